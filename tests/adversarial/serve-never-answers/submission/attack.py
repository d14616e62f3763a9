"""Start, then never listen."""
import time

time.sleep(3600)
