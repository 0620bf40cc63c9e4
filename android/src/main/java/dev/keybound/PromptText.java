package dev.keybound;

/** The strings a prompt shows. Subtitle and description may be null. */
public final class PromptText {
    public final String title;
    public final String subtitle;
    public final String description;
    public final String negativeButton;

    public PromptText(String title, String subtitle, String description, String negativeButton) {
        this.title = title;
        this.subtitle = subtitle;
        this.description = description;
        this.negativeButton = negativeButton;
    }
}
