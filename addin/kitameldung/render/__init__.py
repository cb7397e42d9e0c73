"""Renderings of results: JSON for IT, German text for people, sheets (later) for Excel."""
