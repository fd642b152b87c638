"""load_movielens_100k against a local HTTP server on 127.0.0.1 (never the internet).

The fixture zip has the ml-100k layout (u.data tab-separated 1-based ids, u.item '|'-separated
latin-1 titles) with a handful of made-up rows.
"""
import hashlib
import http.server
import io
import threading
import zipfile

import numpy as np
import pytest

from mfedu.data import load_movielens_100k

U_DATA = "1\t2\t5\t881250949\n1\t1\t3\t881250950\n2\t3\t4\t881250951\n3\t1\t1\t881250952\n"
U_ITEM = ("1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
          "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n"
          "3|Caf\xe9 au lait (1994)|01-Jan-1994||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n")


def fixture_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ml-100k/u.data", U_DATA)
        z.writestr("ml-100k/u.item", U_ITEM.encode("latin-1"))
        z.writestr("ml-100k/README", "fixture, not MovieLens")
    return buf.getvalue()


ZIP = fixture_zip()
SHA = ("sha256", hashlib.sha256(ZIP).hexdigest())


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        Handler.requests.append(self.path)
        if self.path == "/ml-100k.zip":
            self._send(ZIP)
        elif self.path == "/truncated.zip":          # promises the whole file, sends half
            self.send_response(200)
            self.send_header("Content-Length", str(len(ZIP)))
            self.end_headers()
            self.wfile.write(ZIP[: len(ZIP) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/corrupt.zip":            # right length, one byte changed
            self._send(ZIP[:-1] + bytes([ZIP[-1] ^ 1]))
        elif self.path == "/not-movielens.zip":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("something/else.txt", "hello")
            self._send(buf.getvalue())
        else:
            self.send_error(404)

    def _send(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def leftovers(home):
    return sorted(p.name for p in home.iterdir()) if home.exists() else []


def test_download_verify_unpack_and_load(server, tmp_path, capsys):
    r = load_movielens_100k(tmp_path, download=True, url=f"{server}/ml-100k.zip", checksum=SHA)
    assert r.shape == (3, 3) and len(r) == 4
    assert r.users.tolist() == [0, 0, 1, 2] and r.items.tolist() == [1, 0, 2, 0]    # 0-based
    assert r.values.tolist() == [5.0, 3.0, 4.0, 1.0]
    assert r.item_labels == ("Toy Story (1995)", "GoldenEye (1995)", "Caf\xe9 au lait (1994)")
    assert leftovers(tmp_path) == ["ml-100k"]                 # no temporary files left behind
    assert "downloading MovieLens-100K" in capsys.readouterr().err   # the progress bar


def test_second_call_uses_the_cache(server, tmp_path):
    url = f"{server}/ml-100k.zip"
    load_movielens_100k(tmp_path, download=True, url=url, checksum=SHA, progress=False)
    before = len(Handler.requests)
    r = load_movielens_100k(tmp_path, download=True, url=url, checksum=SHA)
    assert len(Handler.requests) == before and len(r) == 4


@pytest.mark.parametrize("path, message", [
    ("truncated.zip", "cut short"),
    ("corrupt.zip", "corrupted"),
    ("missing.zip", "could not download"),
    ("not-movielens.zip", "does not contain ml-100k/u.data"),
])
def test_failed_downloads_leave_nothing_that_loads(server, tmp_path, path, message):
    checksum = SHA
    if path == "not-movielens.zip":      # a valid checksum of the wrong archive
        import urllib.request
        checksum = ("sha256", hashlib.sha256(urllib.request.urlopen(f"{server}/{path}").read()).hexdigest())
    with pytest.raises(OSError, match=message):
        load_movielens_100k(tmp_path, download=True, url=f"{server}/{path}", checksum=checksum,
                            progress=False)
    assert leftovers(tmp_path) == []
    with pytest.raises(FileNotFoundError):
        load_movielens_100k(tmp_path)


def test_missing_without_download_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load_movielens_100k\(download=True\)"):
        load_movielens_100k(tmp_path)


def test_data_home_from_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("MFEDU_DATA_HOME", str(tmp_path))
    r = load_movielens_100k(download=True, url=f"{server}/ml-100k.zip", checksum=SHA, progress=False)
    assert len(r) == 4 and (tmp_path / "ml-100k" / "u.data").exists()


def test_download_flag_must_be_bool(tmp_path):
    with pytest.raises(TypeError, match="download must be True or False"):
        load_movielens_100k(tmp_path, download="yes")


def test_real_checksum_is_pinned():
    from mfedu.data import ML100K_CHECKSUM, ML100K_URL
    assert ML100K_URL.startswith("https://files.grouplens.org/")
    algorithm, digest = ML100K_CHECKSUM
    assert algorithm == "sha256" and len(digest) == 64
    assert np.all([c in "0123456789abcdef" for c in digest])
