#!/usr/bin/env python3
"""Writes the built-in prompt sets of llm-gatling (chat, completion, code, long-context, embeddings).

Every text here was written for llm-gatling by its authors, or is assembled from the templates below
with a seeded random generator, so the files are licence-clean (same licence as the project).
Run from this directory: python3 generate_prompts.py   (output is deterministic: seed 42)
"""
import json
import random

SEED = 42
rng = random.Random(SEED)


def write_jsonl(name, rows):
    with open(name, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------------
# chat: short questions, some with a system prompt, some multi-turn (follow-ups in "turns"),
# some with a recorded history ("messages"), a few long ones.
# --------------------------------------------------------------------------------------------------
ASSISTANT = "You are a helpful assistant. Answer concisely."
chat = [
    {"prompt": "What is the difference between a process and a thread?"},
    {"prompt": "Give me three ideas for a quick vegetarian dinner."},
    {"prompt": "How do I convert Celsius to Fahrenheit?", "turns": ["And the other way round?"]},
    {"prompt": "Why is the sky blue?"},
    {"system": ASSISTANT, "prompt": "Explain what DNS does in two sentences."},
    {"prompt": "Suggest a name for a small bakery that specialises in sourdough."},
    {"prompt": "What are good habits for writing commit messages?",
     "turns": ["Can you show an example of a good one?", "And a bad one, with what is wrong with it?"]},
    {"prompt": "Translate 'Where is the train station?' into French, Spanish and German."},
    {"prompt": "How many minutes are there in a week?"},
    {"system": "You are a patient tutor for high-school students.",
     "prompt": "I don't understand what a derivative is. Can you explain it simply?",
     "turns": ["Can you give an example with a car's speed?", "So what is the derivative of x squared?"]},
    {"prompt": "Write a haiku about a rainy Monday morning."},
    {"prompt": "What should I pack for a three-day hiking trip in autumn?",
     "turns": ["I will sleep in huts, not a tent. What can I leave at home?"]},
    {"prompt": "Is it better to rent or buy a home? Give the main arguments on both sides."},
    {"prompt": "What does 'idempotent' mean for an HTTP request?"},
    {"prompt": "Summarise the plot of a typical heist movie in one paragraph."},
    {"system": ASSISTANT, "prompt": "What is the capital of Australia?", "turns": ["Why not Sydney?"]},
    {"prompt": "How can I keep basil alive on a windowsill?"},
    {"prompt": "Recommend a stretching routine for someone who sits at a desk all day."},
    {"prompt": "Explain the difference between latency and throughput with an analogy.",
     "turns": ["How does that map onto a web server?"]},
    {"prompt": "What is a good way to start learning to play the guitar as an adult?"},
    {"prompt": "Write a polite email declining a meeting invitation because of a schedule conflict."},
    {"prompt": "What are the pros and cons of electric cars for someone who drives 30 km a day?"},
    {"prompt": "Hi! Can you help me plan a birthday party for a seven-year-old?",
     "turns": ["About twelve children, at home, in June.", "What games work well in a small garden?"]},
    {"prompt": "What is the Pythagorean theorem, and where is it used in everyday life?"},
    {"prompt": "Give me a one-sentence definition of machine learning."},
    {"system": "You are a concise assistant for a software team. Prefer bullet points.",
     "prompt": "List the steps to review a pull request well."},
    {"prompt": "What is the difference between weather and climate?"},
    {"prompt": "How do noise-cancelling headphones work?"},
    {"prompt": "I have eggs, spinach, feta and an onion. What can I cook?", "turns": ["I have no oven."]},
    {"prompt": "Explain compound interest with a small numeric example."},
    {"prompt": "Tell me a short joke about programmers."},
    {"prompt": "How long should I boil an egg for a soft yolk?"},
    {"prompt": "What are three common mistakes people make in job interviews?",
     "turns": ["How should I answer 'what is your biggest weakness'?"]},
    {"prompt": "Why do cats purr?"},
    {"prompt": ("I am writing a short story about a lighthouse keeper who finds a message in a bottle. "
                "The keeper is in her sixties, lives alone, and has not spoken to her brother in twenty years. "
                "The message turns out to be from him, written decades ago. I want the ending to be quiet and "
                "hopeful rather than dramatic. Can you suggest three possible endings, each in a few sentences, "
                "and say which one you would choose and why?"),
     "turns": ["I like the second one. Can you write its final paragraph?"]},
    {"prompt": ("Our team of six developers has a daily stand-up that regularly takes 40 minutes instead of 15. "
                "People give long status reports, discussions start in the middle, and two remote colleagues "
                "often cannot hear well. What concrete changes would you suggest to get it back to 15 minutes, "
                "and how would you introduce them without upsetting anyone?")},
    {"messages": [
        {"role": "user", "content": "What's a good beginner houseplant?"},
        {"role": "assistant", "content": "A pothos is a great choice: it tolerates low light and irregular watering."},
        {"role": "user", "content": "How often should I water it?"}]},
    {"messages": [
        {"role": "system", "content": ASSISTANT},
        {"role": "user", "content": "I want to run a 10 km race in three months. I can run 3 km now."},
        {"role": "assistant", "content": "That is achievable with three runs a week, increasing your long run gradually."},
        {"role": "user", "content": "What should a typical week look like in the first month?"}],
     "turns": ["And in the last two weeks before the race?"]},
    {"messages": [
        {"role": "user", "content": "Can you explain what a hash map is?"},
        {"role": "assistant", "content": "A hash map stores key-value pairs and finds a value from its key in constant time on average, using a hash function to pick a bucket."},
        {"role": "user", "content": "What happens when two keys land in the same bucket?"}]},
    {"prompt": "Which is heavier, a kilogram of feathers or a kilogram of iron?"},
    {"prompt": "What is the best way to memorise vocabulary in a new language?",
     "turns": ["How many new words a day is realistic?", "Do flashcard apps really help?"]},
    {"prompt": "Describe the water cycle for a ten-year-old."},
    {"prompt": "Write a two-line motivational message for a colleague before a big presentation."},
    {"prompt": "What is the difference between RAM and storage?"},
    {"prompt": "Name five board games that work well with two players."},
    {"conversations": [
        {"from": "system", "value": "You are a friendly travel advisor."},
        {"from": "human", "value": "I have four days in Lisbon in March. What should I not miss?"},
        {"from": "gpt", "value": "Belém, the Alfama district, a day trip to Sintra and an evening of fado."},
        {"from": "human", "value": "Is Sintra worth a full day?"}]},
    {"prompt": "Give me a checklist for moving to a new apartment."},
    {"prompt": "What is an API, explained to someone who is not technical?"},
]
write_jsonl("chat.jsonl", chat)

# --------------------------------------------------------------------------------------------------
# completion: raw text to continue (Ollama /api/generate, OpenAI /v1/completions)
# --------------------------------------------------------------------------------------------------
completion = [
    "Once upon a time, in a village at the edge of a great forest, there lived a clockmaker who",
    "The three most important things to know before adopting a dog are",
    "Dear hiring manager,\n\nI am writing to apply for the position of",
    "The printing press changed Europe in several ways. First,",
    "Recipe: simple tomato soup\n\nIngredients:\n- 1 kg ripe tomatoes\n-",
    "Release notes, version 2.4.0\n\nNew features:\n1.",
    "In this tutorial we will build a command-line to-do application. The first step is",
    "The meeting was scheduled for nine o'clock, but by half past nine only two people had arrived, and",
    "Q: What is the boiling point of water at sea level?\nA:",
    "A good user manual begins with",
    "Chapter 1\n\nThe rain had not stopped for three days when the letter finally arrived.",
    "Top five tips for a productive morning:\n1.",
    "The main difference between a virus and a bacterium is that",
    "Product description: a lightweight waterproof jacket for city cycling. It",
    "Summary of the quarterly results: revenue grew by 8 percent, driven mainly by",
    "The old lighthouse stood on the cliff, and every night its keeper",
    "To install the software on Linux, open a terminal and",
    "Photosynthesis is the process by which plants",
    "Frequently asked questions\n\nQ: How do I reset my password?\nA:",
    "It was the last day of summer, and the market square was",
    "A haiku about the sea:\n",
    "The committee reviewed the proposal and concluded that",
    "Here is a short poem about autumn leaves:\n\n",
    "Instructions for assembling the bookshelf:\nStep 1:",
    "The history of the bicycle begins in the early nineteenth century, when",
]
write_jsonl("completion.jsonl", [{"prompt": p} for p in completion])

# --------------------------------------------------------------------------------------------------
# code: write, explain, review or fix code
# --------------------------------------------------------------------------------------------------
CODER = "You are an experienced software engineer. Answer with code first, then a short explanation."
code = [
    {"system": CODER, "prompt": "Write a Python function that returns the n-th Fibonacci number iteratively."},
    {"system": CODER, "prompt": "Write a Java method that checks whether a string is a palindrome, ignoring case and spaces."},
    {"prompt": "Explain what this SQL query does:\n\nSELECT department, COUNT(*) AS n\nFROM employees\nWHERE hired_at >= '2023-01-01'\nGROUP BY department\nHAVING COUNT(*) > 5\nORDER BY n DESC;"},
    {"system": CODER, "prompt": "Write a bash script that finds all .log files older than 7 days under /var/log/myapp and compresses them."},
    {"prompt": "Find the bug in this Python code and fix it:\n\ndef average(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(values)\n\nprint(average([]))"},
    {"system": CODER, "prompt": "Write a TypeScript function that debounces another function."},
    {"prompt": "What is the difference between `==` and `===` in JavaScript? Show examples."},
    {"system": CODER, "prompt": "Write a Go HTTP handler that returns the current server time as JSON."},
    {"prompt": "Review this Java code and suggest improvements:\n\npublic List<String> names(List<User> users) {\n  List<String> result = new ArrayList<>();\n  for (int i = 0; i < users.size(); i++) {\n    if (users.get(i).getName() != null && !users.get(i).getName().equals(\"\")) {\n      result.add(users.get(i).getName().toUpperCase());\n    }\n  }\n  return result;\n}"},
    {"system": CODER, "prompt": "Write a regular expression that matches ISO 8601 dates like 2024-03-15 and explain each part."},
    {"prompt": "Explain Big-O notation and give the complexity of binary search with a short justification."},
    {"system": CODER, "prompt": "Write a Rust function that counts the words in a string slice."},
    {"prompt": "Convert this Python loop into a list comprehension:\n\nsquares = []\nfor x in range(20):\n    if x % 3 == 0:\n        squares.append(x * x)"},
    {"system": CODER, "prompt": "Write a Dockerfile for a small Python Flask application listening on port 8000."},
    {"prompt": "Why does this C code crash sometimes?\n\nchar *copy(const char *s) {\n  char buf[64];\n  strcpy(buf, s);\n  return buf;\n}"},
    {"system": CODER, "prompt": "Implement a thread-safe counter in Java in two ways and compare them."},
    {"prompt": "Write unit tests with pytest for a function `slugify(title)` that lower-cases a title and replaces spaces with dashes."},
    {"system": CODER, "prompt": "Write a SQL schema for a library: books, authors (many-to-many) and loans."},
    {"prompt": "Explain what a closure is in JavaScript with a counter example."},
    {"system": CODER, "prompt": "Write a Python script that reads a CSV file of sales (date, product, amount) and prints the total per product."},
    {"prompt": "What does `git rebase -i HEAD~3` do, and when would you use it instead of merge?"},
    {"system": CODER, "prompt": "Write a Kotlin data class for a 2D point with a function returning the distance to another point."},
    {"prompt": "Refactor this function to remove the duplication:\n\ndef price_with_tax_fr(p):\n    return round(p * 1.20, 2)\n\ndef price_with_tax_de(p):\n    return round(p * 1.19, 2)\n\ndef price_with_tax_it(p):\n    return round(p * 1.22, 2)"},
    {"system": CODER, "prompt": "Write a YAML GitHub Actions workflow that builds a Maven project with Java 17 on every push."},
    {"prompt": "Explain the difference between a stack and a queue and name one real use of each."},
]
write_jsonl("code.jsonl", code)

# --------------------------------------------------------------------------------------------------
# long-context: documents of 2,000-6,000 tokens built from templates with the seeded generator,
# each with a question answerable from the document, and a summary request.
# --------------------------------------------------------------------------------------------------
FIRST = ["Amira", "Bruno", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
         "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Brennan", "Rossi",
        "Nguyen", "Schmidt", "Alvarez", "Petrov", "Mensah", "Dubois"]


def person():
    return rng.choice(FIRST) + " " + rng.choice(LAST)


def pick(options):
    return rng.choice(options)


def manual():
    """An operations manual for a fictional message broker."""
    name = "Kestrel"
    out = [f"# {name} Message Broker — Operations Manual (version 3.2)", "",
           f"This manual describes how to install, configure, monitor and troubleshoot the {name} message broker "
           "in production. It is written for operators who run the broker on their own servers. Each chapter can "
           "be read on its own; cross-references point to the relevant sections.", ""]
    out += ["## 1. Overview", "",
            f"{name} stores messages in append-only logs called streams. Producers write messages to a stream, and "
            "consumers read them at their own pace, remembering their position with an offset. A cluster is made "
            "of three or more nodes; every stream is split into partitions, and every partition is replicated to "
            "several nodes so that the loss of one node does not lose data. One replica of each partition is the "
            "leader: it accepts writes and ships them to the followers.", "",
            "The broker favours durability over latency by default: a write is acknowledged only when a majority "
            "of replicas have stored it on disk. Operators can relax this per stream when speed matters more "
            "than safety, for example for metrics that can be lost without harm.", ""]
    out += ["## 2. Installation", "",
            "Install the package on every node, then edit the configuration file described in chapter 3. The "
            "broker needs a dedicated data disk; sharing the disk with the operating system leads to unpredictable "
            "latency when logs rotate. Plan at least 4 CPU cores and 16 GB of memory per node for moderate loads.", "",
            "Start the first node, check that it reports the state `ready` in its log, then start the others one "
            "at a time. A node joins the cluster by contacting any node listed in `cluster.seeds`.", ""]
    out += ["## 3. Configuration reference", "",
            "Every parameter lives in `kestrel.conf`. Changes take effect at the next restart unless stated "
            "otherwise. The list below gives each parameter's default and what it controls.", ""]
    areas = ["network", "storage", "replication", "retention", "security", "client", "scheduler", "metrics"]
    nouns = ["timeout", "buffer.size", "max.connections", "interval", "threads", "queue.depth", "batch.size",
             "compression", "retries", "backoff"]
    DEFAULTS_BY_NOUN = {"timeout": ["30s", "10s", "5s"], "buffer.size": ["64 MB", "16 MB", "4 MB"],
                        "max.connections": ["1024", "256", "4096"], "interval": ["500ms", "2s", "1s"],
                        "threads": ["8", "4", "16"], "queue.depth": ["500", "1000", "2000"],
                        "batch.size": ["256", "64", "1024"], "compression": ["lz4", "none", "zstd"],
                        "retries": ["5", "3", "10"], "backoff": ["100ms", "250ms", "1s"]}
    effects = ["raising it helps under bursty traffic but uses more memory",
               "lowering it detects failures sooner at the price of more false alarms",
               "the default suits most clusters of up to ten nodes",
               "set it to zero to disable the feature entirely",
               "values above the default rarely help and make restarts slower",
               "it must be the same on every node of the cluster",
               "change it only after measuring, as the effect depends on the disk",
               "it can be changed at runtime with the admin command `kestrel config set`"]
    params = []
    for area in areas:
        for noun in rng.sample(nouns, 4):
            key = f"{area}.{noun}"
            default = pick(DEFAULTS_BY_NOUN[noun])
            params.append((key, default))
            out.append(f"- `{key}` (default `{default}`): controls the {noun.replace('.', ' ')} of the {area} "
                       f"layer; {pick(effects)}.")
        out.append("")
    out += ["## 4. Monitoring", "",
            "Each node exposes its metrics over HTTP on port 9404. The most useful ones are listed here with the "
            "level at which an operator should start paying attention.", ""]
    metrics = ["produce latency p99", "consume lag", "under-replicated partitions", "disk usage",
               "open file handles", "request queue depth", "leader elections per hour", "GC pause time"]
    for metric in metrics:
        level = pick(["above 200 ms", "above 10,000 messages", "above zero for more than five minutes",
                      "above 80 percent", "above 50,000", "above 500", "above 3", "above 1 second"])
        out.append(f"- **{metric}**: alert when it stays {level}. " + pick([
            "A sudden rise usually follows a deployment or a failing disk.",
            "Compare it across nodes: a single outlier points to a hardware issue.",
            "It often rises together with network errors between data centres.",
            "Short spikes during log rotation are normal and can be ignored."]))
    out.append("")
    out += ["## 5. Troubleshooting", "",
            "This chapter lists problems seen in production, their usual cause and the fix that worked.", ""]
    symptoms = ["Producers time out during peak hours", "A node keeps leaving and rejoining the cluster",
                "Consumers read the same messages twice", "Disk usage grows without bound",
                "The broker refuses to start after an upgrade", "Latency doubles every night at 02:00",
                "Clients cannot connect after a certificate renewal", "One partition has no leader"]
    causes = ["the request queue is too small for the burst", "the heartbeat interval is shorter than GC pauses",
              "consumers commit their offsets only after a long batch", "retention is set by size on only one node",
              "an old configuration key is no longer accepted", "a backup job saturates the data disk",
              "the new certificate lacks the cluster's internal host names",
              "all replicas of the partition were on the same failed rack"]
    fixes = ["increase `client.queue.depth` and spread producers over more partitions",
             "raise `replication.interval` above the longest observed pause",
             "commit offsets more often, or make the consumer idempotent",
             "set the same retention on every node and restart them one by one",
             "remove the key, check the release notes for its replacement, and start again",
             "move the backup to a follower node or throttle it",
             "reissue the certificate with every node name as a subject alternative name",
             "reassign the partition with rack awareness turned on"]
    for i, symptom in enumerate(symptoms):
        out += [f"### 5.{i + 1} {symptom}", "",
                f"**Cause.** In most reported cases {causes[i]}. Check the node's log for warnings in the minutes "
                "before the problem starts, and compare the metrics of the affected node with a healthy one.", "",
                f"**Fix.** {fixes[i][0].upper() + fixes[i][1:]}. Reported by {person()} after an incident on "
                f"cluster {pick(['blue', 'green', 'amber', 'north', 'south'])}-{rng.randint(1, 9)}.", ""]
    out += ["## 6. Backups and upgrades", "",
            "Take a snapshot of each node's data directory while the node is stopped, or use the online snapshot "
            "command, which pauses log compaction for its duration. Upgrade one node at a time: stop it, install "
            "the new package, start it, and wait until no partition is under-replicated before moving on. Never "
            "upgrade two nodes at once, since a partition whose replicas are on both would lose its majority.", ""]
    question = (f"According to the manual, what is the default value of `{params[5][0]}`, and what is the "
                "recommended fix when a node keeps leaving and rejoining the cluster?")
    return "\n".join(out), question


def meeting_notes(weeks=14):
    """Weekly meeting notes of a fictional project (14 weeks, or as many as asked)."""
    project = "Lantern"
    team = [person() for _ in range(7)]
    out = [f"# Project {project} — weekly sync notes", "",
           f"Project {project} replaces the customer support portal with a new web application and a mobile app. "
           "These notes are taken by the rotating note-taker and shared with everyone in the team.", ""]
    topics = ["the login flow", "search performance", "the mobile release", "accessibility review",
              "the data migration", "the support chatbot", "load testing", "the pricing page", "offline mode",
              "analytics events"]
    statuses = ["is on track", "is a week late", "is blocked by a missing API", "was finished early",
                "needs a decision from product", "is waiting for the security review"]
    decisions = ["to postpone the feature to the next milestone", "to hire a contractor for two months",
                 "to drop support for the oldest browser version", "to run a beta with fifty customers",
                 "to keep the old portal running until the end of the quarter",
                 "to move the weekly demo to Thursday", "to add a feature flag so the change can be rolled back",
                 "to write the migration scripts in Python rather than SQL"]
    risks = ["the vendor's API changes again", "the app store review takes longer than planned",
             "key people are on holiday in August", "the old database has inconsistent records",
             "the load test environment is smaller than production"]
    budget_decision_week = rng.randint(4, 8)
    for week in range(1, weeks + 1):
        date = f"2024-{3 + (week - 1) // 4:02d}-{1 + ((week - 1) % 4) * 7:02d}"
        present = rng.sample(team, rng.randint(4, 6))
        out += [f"## Week {week} — {date}", "", f"Present: {', '.join(present)}. Notes: {pick(present)}.", ""]
        for topic in rng.sample(topics, 3):
            owner = pick(team)
            out.append(f"- {topic[0].upper() + topic[1:]} {pick(statuses)}. {owner} explained that "
                       + pick(["most of the remaining work is testing",
                               "the design was changed after user interviews",
                               "two bugs found last week are now fixed",
                               "the estimate was too optimistic and has been revised",
                               "another team depends on it and asked for a date",
                               "the first version is deployed to the staging environment"]) + ".")
        if week == budget_decision_week:
            out.append(f"- Budget: the team agreed to spend the remaining 12,000 euros of the testing budget on "
                       f"a device lab for the mobile app. {team[0]} will place the order.")
        out.append(f"- Decision: the team decided {pick(decisions)}.")
        out.append(f"- Risk raised by {pick(team)}: {pick(risks)}. Mitigation to be discussed next week.")
        chores = rng.sample(['update the roadmap', 'book a room for the demo', 'write the test plan',
                             'contact the vendor', 'review the migration script', 'prepare the release notes',
                             'check the analytics dashboard'], rng.randint(2, 4))
        actions = [f"{owner} to {chore}" for owner, chore in zip(rng.sample(team, len(chores)), chores)]
        out.append("- Action items: " + "; ".join(actions) + ".")
        out.append("")
    question = ("In which week did the team decide how to spend the remaining testing budget, what did they "
                "decide to buy, and who was to place the order?")
    return "\n".join(out), question


def incident_report():
    """A quarterly reliability report of a fictional online shop."""
    out = ["# Quarterly reliability report — Q2", "",
           "This report covers the availability of the online shop's services between April and June, the "
           "incidents that affected customers, and the improvements planned for the next quarter. Times are in "
           "UTC.", ""]
    services = ["checkout", "search", "product catalogue", "payments", "user accounts", "recommendations",
                "order tracking", "image delivery"]
    out += ["## Availability by service", ""]
    worst = None
    for service in services:
        availability = round(rng.uniform(99.5, 99.99), 2)
        if worst is None or availability < worst[1]:
            worst = (service, availability)
        out.append(f"- {service}: {availability} percent against a target of 99.9 percent; "
                   + pick(["the target was met every month", "May was below target because of one incident",
                           "a planned maintenance window is excluded", "the trend improved over the quarter"]) + ".")
    out.append("")
    out += ["## Incidents", ""]
    triggers = ["a configuration change that removed a required header", "an expired TLS certificate",
                "a database failover that took longer than expected", "a sudden traffic spike from a marketing email",
                "a memory leak in a new release", "a third-party payment provider outage",
                "a full disk on a logging server", "a DNS change with a long time-to-live"]
    longest = (None, 0)
    for number in range(1, 17):
        service = pick(services)
        minutes = rng.randint(6, 95)
        if minutes > longest[1]:
            longest = (number, minutes)
        day = rng.randint(1, 28)
        month = pick(["April", "May", "June"])
        start = f"{rng.randint(0, 23):02d}:{rng.choice(['05', '17', '32', '48'])}"
        out += [f"### Incident {number}: {service} degraded on {month} {day}", "",
                f"**Impact.** For {minutes} minutes from {start}, "
                + pick(["about a third of requests failed", "responses were up to ten times slower",
                        "customers could not complete their orders", "some pages showed outdated prices"]) + ".",
                f"**Trigger.** The incident was caused by {pick(triggers)}.",
                "**Timeline.** " + " ".join([
                    f"{start} alert fired and the on-call engineer, {person()}, acknowledged it.",
                    pick(["A rollback was started after ten minutes.", "The team first suspected the network.",
                          "Traffic was moved to the second region.", "The vendor's status page was checked."]),
                    pick(["The incident channel was opened and the support team was informed.",
                          "Dashboards showed the error rate rising in one region only.",
                          "The last deployment was identified as the likely cause.",
                          "Customer support reported a wave of complaints on social media."]),
                    pick(["Service recovered gradually.", "Errors stopped at once after the fix.",
                          "A second fix was needed an hour later."])]),
                "**What went well.** " + pick([
                    "The alert fired within two minutes and the runbook was accurate.",
                    "The rollback procedure worked the first time and took under five minutes.",
                    "Communication with customer support was quick and clear.",
                    "The status page was updated within ten minutes of the first alert."]),
                "**What went badly.** " + pick([
                    "It took too long to find who owned the failing component.",
                    "The dashboards did not show the affected region separately.",
                    "The fix was deployed without a review and had to be corrected.",
                    "Nobody noticed the warning signs in the logs the day before."]),
                "**Follow-up.** " + pick(["Add an alert on certificate expiry thirty days ahead.",
                                          "Require a second reviewer for configuration changes.",
                                          "Load test every release with twice the peak traffic.",
                                          "Shorten DNS time-to-live before planned changes.",
                                          "Add a circuit breaker around the payment provider."]), ""]
    out += ["## Plans for next quarter", "",
            "The team will introduce error budgets for every service, automate certificate renewal, and run a "
            "game day every month in which a failure is injected on purpose to test alerts and runbooks. The "
            "capacity of the search cluster will be doubled before the autumn sales.", ""]
    question = ("Which service had the lowest availability this quarter, and which incident lasted the longest "
                "and what caused it?")
    return "\n".join(out), question


def cycling_study():
    """A fictional city's study of its cycling network."""
    city = "Norhaven"
    districts = ["Harbour", "Old Town", "Millbrook", "Eastgate", "Riverside", "Hilltop", "Station Quarter",
                 "Westfield", "University", "Greenhill"]
    out = [f"# Cycling in {city}: network study and recommendations", "",
           f"The city council of {city} asked the mobility department to assess the cycling network, measure how "
           "it is used, and recommend investments for the next five years. This study combines automatic counts, "
           "a survey of 2,400 residents, and a review of collisions over the past three years.", ""]
    out += ["## District profiles", ""]
    best = None
    for district in districts:
        share = rng.randint(4, 31)
        lanes = rng.randint(3, 42)
        if best is None or share > best[1]:
            best = (district, share)
        out += [f"### {district}", "",
                f"In {district}, {share} percent of trips under five kilometres are made by bike, on a network of "
                f"{lanes} kilometres of cycle lanes. "
                + pick(["Most lanes are painted on the road and are not separated from traffic.",
                        "A protected lane along the main avenue opened two years ago and is well used.",
                        "Steep streets discourage cycling except for electric bike users.",
                        "Missing links between lanes force cyclists onto busy roads.",
                        "Bike parking near shops is full on most afternoons."]) + " "
                + pick(["Residents asked for safer crossings near schools.",
                        "Counts show a peak at eight in the morning and another at five in the afternoon.",
                        "Weekend traffic is dominated by leisure rides along the river.",
                        "Delivery riders make up a growing share of the traffic."]), ""]
    out += ["## Automatic counts", "",
            "Twenty counting stations recorded every bike passing for twelve months. The table below gives, for "
            "each station, the average number of bikes on a working day and the change compared with the year "
            "before.", ""]
    streets = ["Quay Road", "Market Street", "Mill Lane", "Eastgate Avenue", "River Walk", "Hill Road",
               "Station Square", "West Boulevard", "College Street", "Green Lane", "Bridge Street", "Canal Path",
               "Park Avenue", "Church Street", "Harbour Drive", "Orchard Way", "Kings Road", "Forge Lane",
               "Meadow Road", "Tower Street"]
    for street in streets:
        out.append(f"- {street} ({pick(districts)}): {rng.randint(300, 6000):,} bikes per working day, "
                   f"{pick(['up', 'down'])} {rng.randint(1, 25)} percent. "
                   + pick(["Traffic falls by half in winter.", "The counter was out of service for two weeks in March.",
                           "Numbers rose sharply after the new lane opened.",
                           "Most traffic is commuters heading to the centre.",
                           "School runs make up much of the morning peak.",
                           "Cargo bikes are about one in twenty passages."]))
    out.append("")
    out += ["## Collision review by junction", ""]
    for street_a, street_b in zip(rng.sample(streets, 10), rng.sample(streets, 10)):
        if street_a == street_b:
            continue
        out.append(f"- {street_a} / {street_b}: {rng.randint(3, 19)} collisions in three years. "
                   + pick(["Most involved a turning lorry.", "Poor lighting was noted in half of the reports.",
                           "Parked cars hide cyclists from drivers leaving a side street.",
                           "The lane ends abruptly just before the junction.",
                           "Drivers often run the late amber light."]) + " "
                   + pick(["A raised crossing is proposed.", "Protected corners would remove most conflicts.",
                           "Separate traffic light phases for bikes are proposed.",
                           "Moving the parking spaces back by ten metres is a cheap first step."]))
    out.append("")
    out += ["## Survey findings", "",
            "Residents who do not cycle gave three main reasons: fear of traffic (58 percent), distances they "
            "consider too long (21 percent), and lack of secure parking at home (14 percent). Among those who "
            "cycle at least once a week, the top request was continuous separated lanes, followed by better "
            "winter maintenance and more parking at the railway station.", ""]
    out += ["## What residents said", "",
            "The survey ended with an open question. A selection of answers, shortened, follows.", ""]
    for _ in range(16):
        out.append(f"- A resident of {pick(districts)}, {pick(['a student', 'a parent of two', 'a retired teacher', 'a nurse on night shifts', 'a shop owner', 'a delivery rider', 'a commuter'])}: \""
                   + pick(["I would cycle to work every day if the lane on the main road were separated from cars.",
                           "My bike was stolen twice at the station, so now I take the bus.",
                           "The new lane is great, but it stops right where the traffic is worst.",
                           "In winter the lanes are cleared last, days after the roads.",
                           "I feel safe with my children only in the park, not on the streets.",
                           "Electric bikes changed everything for me on the hills.",
                           "There is nowhere to park a cargo bike near the shops.",
                           "Drivers are more careful since the speed limit went down."]) + "\"")
    out.append("")
    out += ["## Safety", "",
            "Over three years, 412 collisions involving cyclists were recorded. Most happened at junctions, in "
            "particular where cyclists go straight while cars turn right. The five most dangerous junctions are "
            "all on roads with painted lanes and no separation.", ""]
    out += ["## Recommendations", ""]
    recs = ["build a protected east-west axis through the Old Town", "close the missing links around the "
            "Station Quarter", "add 1,500 secure parking spaces near the railway station",
            "redesign the five most dangerous junctions with protected corners",
            "lower the speed limit to 30 km/h in residential streets",
            "start a bike library so that residents can try electric and cargo bikes"]
    for i, rec in enumerate(recs, 1):
        cost = rng.randint(2, 40)
        out.append(f"{i}. We recommend to {rec}. Estimated cost: {cost} million euros; "
                   + pick(["expected to raise cycling by a few points city-wide",
                           "the quickest win for safety", "popular in the survey",
                           "needs agreement with the regional rail operator"]) + ".")
    out.append("")
    question = (f"Which district of {city} has the highest share of short trips made by bike, and what were the "
                "three main reasons residents gave for not cycling?")
    return "\n".join(out), question


def with_own_rng(seed, build):
    """Runs a builder on its own generator, so that adding a document changes no other file."""
    def run():
        global rng
        saved, rng = rng, random.Random(seed)
        try:
            return build()
        finally:
            rng = saved
    return run


documents = [("manual", manual), ("meeting-notes", meeting_notes), ("reliability-report", incident_report),
             ("cycling-study", cycling_study),
             # the long end of the range: about 5,000-5,500 tokens
             ("meeting-notes-long", with_own_rng(SEED + 1, lambda: meeting_notes(weeks=28)))]
long_context = []
for doc_id, build in documents:
    text, question = build()
    # two usual rough estimates for English text: 4 characters or 0.75 words per token
    low, high = sorted((len(text) / 4, len(text.split()) * 1.33))
    assert 2_000 <= low and high <= 6_000, (doc_id, low, high)
    long_context.append({"id": doc_id, "document": text, "question": question})
    long_context.append({"id": doc_id + "-summary", "document": text,
                         "question": "Summarise the document in five bullet points for a busy reader."})
write_jsonl("long-context.jsonl", long_context)

# --------------------------------------------------------------------------------------------------
# embeddings: short passages as a RAG indexer would send them (help-centre articles of fictional
# products, plus general notes), batched 8 per request by the tool.
# --------------------------------------------------------------------------------------------------
products = ["the Aster smart thermostat", "the Brightline e-bike", "the Cobalt home router", "the Dune air purifier",
            "the Ember coffee grinder", "the Fjord backup drive", "the Gale electric scooter",
            "the Halo security camera", "the Iris reading lamp", "the Juniper robot vacuum"]
article_templates = [
    "To reset {p} to factory settings, hold the power button for ten seconds until the light blinks twice. "
    "Your settings and paired devices are erased.",
    "{P} receives software updates automatically at night. You can check the installed version in the app "
    "under Settings, then About.",
    "If {p} does not connect to Wi-Fi, move it closer to the router, check that the network uses 2.4 GHz, "
    "and restart both devices.",
    "The warranty of {p} covers manufacturing defects for two years from the date of purchase. Keep the "
    "receipt as proof.",
    "Clean {p} with a soft, dry cloth. Do not use solvents or put it under running water.",
    "{P} can be shared with family members: open the app, choose the device, then Invite and enter their "
    "e-mail address.",
    "If the status light of {p} turns orange, the device needs attention: open the app to see the message, "
    "or restart the device if the app cannot reach it.",
    "To return {p}, start a return request within 30 days in your account. We send a prepaid shipping label "
    "by e-mail.",
    "{P} works with the main voice assistants. Link your account in the assistant's app and say the device's "
    "name to control it.",
    "An error code E4 on {p} means the device is overheating. Switch it off, let it cool for 30 minutes and "
    "make sure the vents are free.",
]
embeddings = []
for product in products:
    for template in rng.sample(article_templates, 8):
        embeddings.append(template.replace("{p}", product).replace("{P}", product[0].upper() + product[1:]))
general_notes = [
    "Sourdough bread rises thanks to wild yeast and lactic acid bacteria living in a flour and water starter.",
    "A leap year has 366 days; February then has 29 days. Years divisible by 100 are leap years only if "
    "they are also divisible by 400.",
    "Regular backups follow the 3-2-1 rule: three copies of your data, on two kinds of media, one of them "
    "off-site.",
    "Tomatoes keep their flavour better at room temperature than in the refrigerator.",
    "A strong password is long rather than complicated; a sentence of four or five unrelated words works well.",
    "Cats sleep between twelve and sixteen hours a day, mostly in short naps.",
    "Interest on a savings account is usually paid monthly and calculated on the daily balance.",
    "Stretching after exercise improves flexibility over time, but it does not prevent next-day soreness.",
    "The moon's gravity causes two high tides a day on most coasts, about twelve hours and twenty-five "
    "minutes apart.",
    "Indoor plants need less water in winter, when they grow slowly and the light is weaker.",
    "A kilowatt-hour is the energy used by a one-kilowatt appliance running for one hour.",
    "Meetings with a written agenda sent in advance tend to be shorter and end with clearer decisions.",
    "Composting turns kitchen scraps into soil in a few months if the heap is kept moist and turned regularly.",
    "The shortest path between two cities on a globe is an arc of a great circle, which looks curved on a flat map.",
    "Caching stores the result of an expensive operation so that the next identical request is answered faster.",
    "A budget that assigns every euro a purpose at the start of the month makes overspending easier to notice.",
    "Bicycle tyres lose pressure slowly even without a puncture; check them every two weeks.",
    "Learning a language is faster with short daily practice than with long weekly sessions.",
    "Rainbows appear when sunlight is refracted and reflected inside raindrops, with the sun behind the observer.",
    "Version control lets a team work on the same files and go back to any earlier state of the project.",
    "Washing clothes at 30 degrees uses about half the energy of a 60-degree wash.",
    "Good lighting for reading comes from the side, not from behind the screen or the page.",
    "Bees communicate the direction of flowers to the hive with a waggle dance.",
    "Load tests should use realistic request mixes, because a server tuned for one kind of request may fail "
    "under another.",
    "Green tea contains less caffeine than coffee, roughly a third per cup.",
    "A circuit breaker in software stops calling a failing service for a while so that it can recover.",
    "Houses lose most heat through the roof, so insulating the attic is often the cheapest improvement.",
    "Running shoes lose much of their cushioning after 600 to 800 kilometres.",
    "Public libraries often lend more than books: tools, musical instruments and board games.",
    "Latency is the time one request takes; throughput is how many requests are completed per second.",
    "Oat milk froths well for coffee because of its natural starches.",
    "A time zone's offset can change during the year because of daylight saving time.",
    "Fresh herbs keep longer if their stems are placed in a glass of water like flowers.",
    "An index in a database speeds up searches on a column at the cost of slower writes and more storage.",
    "Walking meetings can help people think more freely, especially one-to-one conversations.",
    "Children learn to read more easily when they are read to regularly from an early age.",
    "Snow reflects most sunlight, which is why sunburn is common when skiing.",
    "A good commit message explains why a change was made, not only what changed.",
    "Lithium batteries last longer when they are kept between 20 and 80 percent charge.",
    "Olive oil's flavour fades with light and heat; store it in a dark cupboard.",
]
embeddings += general_notes
rng.shuffle(embeddings)
write_jsonl("embeddings.jsonl", [{"text": passage} for passage in embeddings])
