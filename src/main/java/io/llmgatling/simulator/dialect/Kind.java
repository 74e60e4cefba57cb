package io.llmgatling.simulator.dialect;

/** What a generating endpoint produces. */
public enum Kind { CHAT, TEXT, EMBED }
