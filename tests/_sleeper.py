"""``python -m tests._sleeper``: print 'ready', then wait until interrupted (for tests/test_harness.py)."""
import threading

print("ready", flush=True)
threading.Event().wait()
