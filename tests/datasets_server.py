"""A local HTTP server for the dataset tests: serves archives the tests build, on 127.0.0.1, port 0.

It answers Range requests as a real host does (206 with Content-Range, 416 past the end), records
every request's path and Range header, and can drop the connection midway through a file, once, to
test resuming. `ranges=False` makes it ignore Range, as some servers do.
"""

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a connection dropped on purpose is not an error worth a traceback


class ArchiveServer:
    """`server.files[name] = bytes`, then fetch `server.url(name)`; `server.requests` lists (name, Range)."""

    def __init__(self):
        self.files, self.requests, self.drop_after, self.ranges = {}, [], {}, True
        self.httpd = QuietServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)

    def url(self, name):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name, wanted = self.path.lstrip("/"), self.headers.get("Range")
                server.requests.append((name, wanted))
                if name not in server.files:
                    self.send_error(404)
                    return
                data, start = server.files[name], 0
                match = re.fullmatch(r"bytes=(\d+)-", wanted or "") if server.ranges else None
                if match:
                    start = int(match[1])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                cut = server.drop_after.pop(name, None)
                if cut is None:
                    self.wfile.write(body)
                    return
                self.wfile.write(body[:cut])  # then hang up, as a flaky connection does
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True

        return Handler
