"""One typed HTTP client per system; the flows use nothing else to reach the systems."""
