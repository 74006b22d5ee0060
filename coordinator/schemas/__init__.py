"""API schemas (pydantic), separate from the ORM models: only GUIDs and public fields."""
