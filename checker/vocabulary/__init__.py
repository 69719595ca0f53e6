"""rules/ read into a vocabulary: metrics, entities, aliases, units, relations and dated changes."""
