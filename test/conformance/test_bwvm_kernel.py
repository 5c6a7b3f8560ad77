"""Jupyter protocol conformance of the bwvm kernel (jupyter_kernel_test).

Run by test/conformance/conformance.test.ts, which installs the kernelspec into a temp prefix
(bwvm install --prefix P) and sets JUPYTER_PATH=P/share/jupyter so kernel_name 'bwvm' resolves.
Manually, from test/conformance (from the repo root 'test' would name Python's stdlib package):
  JUPYTER_PATH=P/share/jupyter /usr/bin/python3 -m unittest -v test_bwvm_kernel.py
"""
import unittest

import jupyter_kernel_test


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


if __name__ == "__main__":
    unittest.main()
