"""Local NLP: spaCy pipeline with technique components, MiniLM embeddings, trained classifiers, linking.

Never imports Textual."""
