"""Run the same action in several threads released at one moment (parallel requests)."""

import threading


def at_once(count: int, action, timeout: float = 30) -> list:
    """action(n) for n in range(count), each in its own thread; their results in order.

    Each thread makes its own requests (a test client opens its own app context there),
    so each has its own database session and connection.
    """
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        start.wait(timeout=10)
        results[n] = action(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a request hung"
    return results
