"""The live-room fan-out benchmark (`make bench-live`); see __main__.py."""
