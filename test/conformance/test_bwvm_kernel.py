"""Jupyter protocol conformance of the bwvm kernel (jupyter_kernel_test).

Run by test/conformance/conformance.test.ts, which installs the kernelspec into a temp prefix
(bwvm install --prefix P) and sets JUPYTER_PATH=P/share/jupyter so kernel_name 'bwvm' resolves.
Manually, from test/conformance (from the repo root 'test' would name Python's stdlib package):
  JUPYTER_PATH=P/share/jupyter /usr/bin/python3 -m unittest -v test_bwvm_kernel.py
"""
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class BwvmKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "bwvm"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const someLongName = 1; someLong", "matches": {"someLongName"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 1;", 'console.log("hi")', "function f() { return 1 }"]
    incomplete_code_samples = ["function f() {", "const a = [1,", "if (true) {"]
    invalid_code_samples = ["const = ;", "let 1x = 2"]

    code_display_data = [
        {"code": 'void display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'void display.markdown("# title")', "mime": "text/markdown"},
        {"code": 'void display.svg("<svg xmlns=\'http://www.w3.org/2000/svg\' width=\'4\' height=\'4\'></svg>")', "mime": "image/svg+xml"},
        {"code": 'void display.png("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")', "mime": "image/png"},
        {"code": "void display.json({ a: 1, b: [1, 2] })", "mime": "application/json"},
        {"code": 'void display.latex("$x^2$")', "mime": "text/latex"},
        {"code": 'void display("plain text")', "mime": "text/plain"},
    ]

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "const s: string = 'ab'; s.length", "result": "2"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    # matches exactly one distinct input of code_execute_result (SQLite-style glob)
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clear_output()"

    code_generate_error = 'throw new Error("boom")'


class BwvmLifecycleTests(unittest.TestCase):
    """Interrupt and restart driven by jupyter_client's KernelManager, as Jupyter does them
    (interrupt_mode 'message' -> interrupt_request on control; restart -> shutdown_request
    restart=True, the process exits, a new one starts)."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="bwvm")

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=60):
        msg_id = self.kc.execute(code)
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def test_interrupt_kernel_stops_a_runaway_cell(self):
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        self.run_cell("let kept = 41")
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1)
        self.km.interrupt_kernel()
        while True:
            reply = self.kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(self.run_cell("kept + 1")["content"]["status"], "ok")
        self.assertTrue(self.km.is_alive())

    def test_restart_kernel_gives_fresh_state(self):
        self.run_cell("var before = 1")
        old_proc = self.km.provisioner.process
        self.km.restart_kernel(now=False)
        self.assertIsNot(self.km.provisioner.process, old_proc)
        # The old kernel exited by itself on shutdown_request (0), it was not killed (-9).
        self.assertEqual(old_proc.wait(timeout=10), 0)
        self.kc.wait_for_ready(timeout=60)
        reply = self.run_cell("typeof before")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["execution_count"], 1)


if __name__ == "__main__":
    unittest.main()
