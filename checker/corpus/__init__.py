"""Claims read and resolved against the vocabulary: values and their precision, times and scopes,
quotes found in archived texts, timelines, relations between terms, and the result of a run."""
