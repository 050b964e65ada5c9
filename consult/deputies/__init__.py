"""NPC deputies (人大代表, domain.md rules 38-41): dashboard, observation notes, formal suggestions."""
