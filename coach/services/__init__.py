"""Use cases (rehearse, reflect, review, drill) on top of coach.nlp and coach.store."""
