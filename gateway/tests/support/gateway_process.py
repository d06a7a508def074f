"""What the gateway's Python test scripts share: `modelrt serve` started as a child process on
a free local port, and a runner that prints one line per test and the final tally.

Imported by gateway/tests/python/test_openai_client.py and gateway/tests/browser/test_console.py.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import traceback

START_SECONDS = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_gateway(env, folder):
    """`modelrt serve` (MODELRT_GATEWAY_BIN) with `env`, logging to `folder`/gateway.log.

    Yields the `http://127.0.0.1:PORT` origin once the port accepts connections, stops the
    process afterwards, and prints its log to stderr if the body raised or `report.failed`
    was set (the runner below sets it), so a failure comes with the server's side of it.
    """
    port = free_port()
    log_path = os.path.join(folder, "gateway.log")
    report = Tally()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [os.environ["MODELRT_GATEWAY_BIN"], "serve", "--listen", "127.0.0.1:%d" % port],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(process, port)
            yield "http://127.0.0.1:%d" % port, report
        except BaseException:
            report.failed += 1
            raise
        finally:
            process.terminate()
            process.wait(timeout=10)
            if report.failed:
                with open(log_path) as written:
                    print("--- modelrt serve log ---\n" + written.read(), file=sys.stderr)


def wait_until_listening(process, port):
    deadline = time.time() + START_SECONDS
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("modelrt serve exited with %s" % process.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("modelrt serve did not listen within %d s" % START_SECONDS)


class Tally:
    """Passed and failed counts, printed as the scripts' last line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, test, on_failure=None):
        """Runs one test, printing `ok` or `FAILED` with its traceback; True if it passed."""
        try:
            test()
        except Exception:
            self.failed += 1
            print("FAILED %s" % test.__name__, flush=True)
            traceback.print_exc()
            if on_failure is not None:
                on_failure(test)
            return False
        self.passed += 1
        print("ok     %s" % test.__name__, flush=True)
        return True

    def skip(self, test, reason):
        self.failed += 1
        print("SKIPPED %s (%s)" % (test.__name__, reason), flush=True)

    def exit_status(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
