package android.content;

/** Host fake: a Context is only passed around. */
public abstract class Context {}
