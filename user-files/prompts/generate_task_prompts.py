#!/usr/bin/env python3
"""Writes tools.jsonl, structured.jsonl and vision.jsonl: the prompt sets of the tools, structured and vision
tasks. Everything here was written for llm-gatling; the output is the same on every run (no randomness).
Run: cd user-files/prompts && python3 generate_task_prompts.py"""
import json


def fn(name, description, properties, required=None):
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties,
                       "required": required if required is not None else list(properties),
                       "additionalProperties": False}}}


WEATHER = fn("get_weather", "Current weather or forecast for a city on a given day.", {
    "city": {"type": "string", "description": "City name, e.g. Lyon"},
    "date": {"type": "string", "format": "date", "description": "Day of the forecast, YYYY-MM-DD"},
    "units": {"type": "string", "enum": ["metric", "imperial"]}})
CURRENCY = fn("convert_currency", "Converts an amount of money between two currencies at today's rate.", {
    "amount": {"type": "number", "minimum": 0},
    "from": {"type": "string", "enum": ["EUR", "USD", "GBP", "JPY", "CHF"]},
    "to": {"type": "string", "enum": ["EUR", "USD", "GBP", "JPY", "CHF"]}})
FLIGHTS = fn("search_flights", "Searches direct and connecting flights between two airports.", {
    "origin": {"type": "string", "description": "IATA code of the departure airport"},
    "destination": {"type": "string", "description": "IATA code of the arrival airport"},
    "date": {"type": "string", "format": "date"},
    "passengers": {"type": "integer", "minimum": 1, "maximum": 9}})
EVENT = fn("create_calendar_event", "Adds an event to the user's calendar and invites the attendees.", {
    "title": {"type": "string", "maxLength": 80},
    "start": {"type": "string", "format": "date-time"},
    "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
    "attendees": {"type": "array", "items": {"type": "string", "format": "email"}, "maxItems": 6}})
ORDER = fn("lookup_order", "Looks up an order of the shop by its number and returns its status.", {
    "order_id": {"type": "string", "description": "Order number, e.g. A-10442"},
    "include_items": {"type": "boolean"}})
THERMOSTAT = fn("set_thermostat", "Sets the target temperature of one room of the house.", {
    "room": {"type": "string", "enum": ["living room", "bedroom", "office", "kitchen"]},
    "celsius": {"type": "number", "minimum": 10, "maximum": 28}})
DOCS = fn("search_docs", "Full-text search in the team's internal documentation.", {
    "query": {"type": "string"},
    "max_results": {"type": "integer", "minimum": 1, "maximum": 20}}, ["query"])

SYSTEM = "You are an assistant with access to tools. Call a tool when it helps answer; then answer briefly."
TOOLS = [
    ("What will the weather be like in Lyon tomorrow? Use metric units.", [WEATHER, CURRENCY],
     {"city": "Lyon", "temperature_c": 14, "conditions": "light rain", "wind_kmh": 18}),
    ("Do I need an umbrella in Porto on Saturday?", [WEATHER, FLIGHTS],
     {"city": "Porto", "temperature_c": 19, "conditions": "sunny", "precipitation_mm": 0}),
    ("How much is 250 euros in Swiss francs today?", [CURRENCY, WEATHER],
     {"amount": 250, "from": "EUR", "to": "CHF", "result": 236.4, "rate": 0.9456}),
    ("Convert 1,200 US dollars to yen, please.", [CURRENCY, ORDER],
     {"amount": 1200, "from": "USD", "to": "JPY", "result": 178560, "rate": 148.8}),
    ("Find me a flight from Amsterdam to Lisbon on the 14th of March for two people.", [FLIGHTS, WEATHER, CURRENCY],
     {"flights": [{"number": "TP663", "departs": "07:05", "arrives": "09:00", "price_eur": 142},
                  {"number": "KL1695", "departs": "12:40", "arrives": "14:35", "price_eur": 188}]}),
    ("Are there direct flights from Berlin to Oslo next Friday?", [FLIGHTS, DOCS],
     {"flights": [{"number": "SK4276", "departs": "10:15", "arrives": "11:55", "stops": 0}]}),
    ("Put a one-hour design review with ana@example.com and li@example.com on my calendar for Tuesday at 10.",
     [EVENT, DOCS], {"created": True, "event_id": "evt_5521", "invitations_sent": 2}),
    ("Schedule a 30 minute call with the supplier tomorrow at 3 pm.", [EVENT, WEATHER],
     {"created": True, "event_id": "evt_5522", "invitations_sent": 1}),
    ("Where is my order A-10442? It was supposed to arrive yesterday.", [ORDER, DOCS],
     {"order_id": "A-10442", "status": "in transit", "carrier": "DPD", "expected": "tomorrow before noon"}),
    ("Has order B-2231 shipped yet, and what was in it?", [ORDER, CURRENCY],
     {"order_id": "B-2231", "status": "delivered", "items": ["desk lamp", "2 x LED bulb"]}),
    ("It's cold in the office, set it to 21 degrees.", [THERMOSTAT, WEATHER],
     {"room": "office", "target_c": 21, "current_c": 17.5}),
    ("Lower the bedroom to 18 for the night.", [THERMOSTAT],
     {"room": "bedroom", "target_c": 18, "current_c": 20.5}),
    ("How do I rotate the API keys of the staging cluster? Check our docs.", [DOCS, ORDER],
     {"results": [{"title": "Rotating staging credentials", "excerpt": "Run rotate-keys.sh from the ops repo, then "
                   "restart the gateway pods; old keys stay valid for 24 hours."}]}),
    ("What does our runbook say about a full disk on the build server?", [DOCS, THERMOSTAT],
     {"results": [{"title": "Build server disk full", "excerpt": "Prune the Docker cache first (docker system prune "
                   "-af), then the artifact cache older than 14 days."}]}),
    ("I'm flying to Madrid on Thursday; what's the forecast there?", [WEATHER, FLIGHTS, CURRENCY],
     {"city": "Madrid", "temperature_c": 24, "conditions": "clear", "wind_kmh": 9}),
    ("How many pounds do I get for 80 euros?", [CURRENCY, THERMOSTAT],
     {"amount": 80, "from": "EUR", "to": "GBP", "result": 67.9, "rate": 0.849}),
]

SCHEMA_SYSTEM = "Answer with a single JSON document that follows the given schema, nothing else."


def obj(properties, required=None):
    return {"type": "object", "properties": properties,
            "required": required if required is not None else list(properties), "additionalProperties": False}


RECIPE = obj({"name": {"type": "string"}, "servings": {"type": "integer", "minimum": 1, "maximum": 12},
              "ingredients": {"type": "array", "minItems": 2, "maxItems": 10,
                              "items": obj({"item": {"type": "string"}, "quantity": {"type": "string"}})},
              "steps": {"type": "array", "minItems": 2, "maxItems": 8, "items": {"type": "string"}}})
CONTACT = obj({"name": {"type": "string"}, "email": {"type": "string", "format": "email"},
               "company": {"type": "string"}, "role": {"type": "string"}})
SENTIMENT = obj({"sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
                 "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                 "reasons": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}}})
EVENT_SCHEMA = obj({"title": {"type": "string"}, "date": {"type": "string", "format": "date"},
                    "location": {"type": "string"},
                    "attendees": {"type": "array", "maxItems": 8, "items": {"type": "string"}}})
TICKET = obj({"category": {"type": "string", "enum": ["billing", "bug", "feature request", "account", "other"]},
              "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
              "summary": {"type": "string", "maxLength": 200},
              "needs_reply": {"type": "boolean"}})
PRODUCT = obj({"product": {"type": "string"}, "price": {"type": "number", "minimum": 0},
               "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
               "features": {"type": "array", "minItems": 1, "maxItems": 6, "items": {"type": "string"}},
               "in_stock": {"type": "boolean"}})
STRUCTURED = [
    ("recipe", RECIPE, "Give me a simple recipe for a lentil soup for four people."),
    ("recipe", RECIPE, "A quick pancake recipe, please, for two."),
    ("recipe", RECIPE, "How do I make a tomato and mozzarella salad?"),
    ("contact", CONTACT, "Extract the contact from this signature: 'Best regards, Marta Kowalski, Head of "
     "Procurement, Nordlicht Logistics GmbH, marta.kowalski@nordlicht.example'"),
    ("contact", CONTACT, "Who wrote this? 'Cheers, Tom Reyes (tom@reyes-design.example), freelance UX designer at "
     "Reyes Design'"),
    ("sentiment", SENTIMENT, "Rate the sentiment of this review: 'The battery lasts two days and the screen is "
     "great, but the charger broke after a week.'"),
    ("sentiment", SENTIMENT, "Sentiment of: 'Delivery was late again and nobody answered my emails.'"),
    ("sentiment", SENTIMENT, "Sentiment of: 'Does what it says. Nothing more, nothing less.'"),
    ("event", EVENT_SCHEMA, "Turn this into an event: 'Quarterly planning on 12 May in the Harbour room with "
     "Ines, Karl and the two new team leads.'"),
    ("event", EVENT_SCHEMA, "Make an event from: 'Team dinner Friday the 3rd of October at Casa Verde, everyone "
     "from the platform team.'"),
    ("ticket", TICKET, "Triage this support ticket: 'I was charged twice for my March subscription, please refund "
     "one of them as soon as possible.'"),
    ("ticket", TICKET, "Triage: 'The export button does nothing in Firefox since the last update.'"),
    ("ticket", TICKET, "Triage: 'Could you add a dark mode to the mobile app? Would be nice.'"),
    ("product", PRODUCT, "Describe this product as JSON: 'Aurora 2 desk lamp, 49 euros, dimmable, USB-C, warm "
     "and cold light, available now.'"),
    ("product", PRODUCT, "As JSON: 'Trailblazer 40 L backpack, $129, waterproof, laptop sleeve, out of stock "
     "until June.'"),
]

VISION = [
    ("What shapes do you see in this picture, and what colours are they?", 512, 384, "png"),
    ("Describe this image in two sentences.", 640, 480, "jpeg"),
    ("How many round shapes are there in the image?", 256, 256, "png"),
    ("Which colour covers most of the picture?", 320, 240, "png"),
    ("Write a short alt text for this image.", 800, 600, "jpeg"),
    ("Is the background a single colour or a gradient?", 384, 384, "png"),
    ("Describe where each shape is placed (top, bottom, left, right).", 1024, 768, "jpeg"),
    ("Give this picture a title.", 448, 336, "png"),
    ("What is the largest shape in the image?", 512, 512, "jpeg"),
    ("Could this image be a flag? Explain briefly.", 300, 200, "png"),
]


def write(name, rows):
    with open(name, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


write("tools.jsonl", [{"system": SYSTEM, "prompt": p, "tools": t, "toolResult": json.dumps(r)}
                      for p, t, r in TOOLS])
write("structured.jsonl", [{"system": SCHEMA_SYSTEM, "prompt": p, "schemaName": n, "schema": s}
                           for n, s, p in STRUCTURED])
write("vision.jsonl", [{"prompt": p, "image": {"width": w, "height": h, "format": f}} for p, w, h, f in VISION])
