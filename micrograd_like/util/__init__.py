"""Helpers with no dependency on the engine: argument checks, bounded messages, the one file writer."""
