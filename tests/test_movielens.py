"""load_movielens_100k against a local HTTP server on 127.0.0.1 (never the internet).

The fixture has MovieLens-100K's layout and exact counts (u.data: 100,000 tab-separated lines of
1-based user, item, 1-5 stars, timestamp by users 1-943; u.item: 1682 '|'-separated latin-1
lines) but is written from the synthetic set: nothing in it comes from MovieLens.
"""
import hashlib
import http.server
import io
import threading
import zipfile

import numpy as np
import pytest

from mfedu.data import load_movielens_100k, load_synthetic

SYNTHETIC = load_synthetic("explicit")
TITLES = SYNTHETIC.item_labels[:2] + ("Caf\xe9 au lait (1994)",) + SYNTHETIC.item_labels[3:]
U_DATA = "".join(f"{u + 1}\t{i + 1}\t{int(v)}\t{881250949 + j}\n" for j, (u, i, v) in
                 enumerate(zip(SYNTHETIC.users.tolist(), SYNTHETIC.items.tolist(), SYNTHETIC.values.tolist())))
U_ITEM = "".join(f"{i + 1}|{title}|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                 for i, title in enumerate(TITLES))


def fixture_zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("latin-1"))
    return buf.getvalue()


ZIP = fixture_zip({"ml-100k/u.data": U_DATA, "ml-100k/u.item": U_ITEM,
                   "ml-100k/README": "fixture, not MovieLens"})
SHA = ("sha256", hashlib.sha256(ZIP).hexdigest())
NO_U_ITEM_ZIP = fixture_zip({"ml-100k/u.data": U_DATA})
NOT_A_ZIP = b"<html><body>Moved to a new address</body></html>\n"


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
            self._send(fixture_zip({"something/else.txt": "hello"}))
        elif self.path == "/no-u-item.zip":
            self._send(NO_U_ITEM_ZIP)
        elif self.path == "/not-a-zip.zip":
            self._send(NOT_A_ZIP)
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
    assert r.shape == (943, 1682) and len(r) == 100_000
    assert np.array_equal(r.users, SYNTHETIC.users) and np.array_equal(r.items, SYNTHETIC.items)  # 0-based
    assert np.array_equal(r.values, SYNTHETIC.values)
    assert r.item_labels == TITLES and r.item_labels[2] == "Caf\xe9 au lait (1994)"   # latin-1
    assert r.user_labels[0] == "user 1" and r.user_labels[-1] == "user 943"
    assert leftovers(tmp_path) == ["ml-100k"]                 # no temporary files left behind
    assert "downloading MovieLens-100K" in capsys.readouterr().err   # the progress bar


def test_second_call_uses_the_cache(server, tmp_path):
    url = f"{server}/ml-100k.zip"
    load_movielens_100k(tmp_path, download=True, url=url, checksum=SHA, progress=False)
    before = len(Handler.requests)
    r = load_movielens_100k(tmp_path, download=True, url=url, checksum=SHA)
    assert len(Handler.requests) == before and len(r) == 100_000


@pytest.mark.parametrize("path, message", [
    ("truncated.zip", "cut short"),
    ("corrupt.zip", "corrupted"),
    ("missing.zip", "could not download"),
    ("not-movielens.zip", "does not contain ml-100k/u.data and ml-100k/u.item"),
    ("no-u-item.zip", "does not contain ml-100k/u.item;"),
    ("not-a-zip.zip", "is not a zip archive"),
])
def test_failed_downloads_leave_nothing_that_loads(server, tmp_path, path, message):
    checksum = SHA
    if path in ("not-movielens.zip", "no-u-item.zip", "not-a-zip.zip"):   # a valid checksum of the wrong file
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
    assert len(r) == 100_000 and (tmp_path / "ml-100k" / "u.data").exists()


def test_download_flag_must_be_bool(tmp_path):
    with pytest.raises(TypeError, match="download must be True or False"):
        load_movielens_100k(tmp_path, download="yes")


def test_real_checksum_is_pinned():
    from mfedu.data import ML100K_CHECKSUM, ML100K_URL
    assert ML100K_URL.startswith("https://files.grouplens.org/")
    algorithm, digest = ML100K_CHECKSUM
    assert algorithm == "sha256" and len(digest) == 64
    assert np.all([c in "0123456789abcdef" for c in digest])


# ----------------------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(data_home=123), TypeError, "data_home must be a folder path"),
    (dict(url=123), TypeError, "url must be a str, got int 123"),
    (dict(url="ml-100k.zip"), ValueError, "url must start with https://"),
    (dict(checksum="abc"), TypeError, r"checksum must be a pair of str \(algorithm, hex digest\)"),
    (dict(checksum=("sha256",)), TypeError, "checksum must be a pair of str"),
    (dict(checksum=("sha999", "ab")), ValueError, "checksum's algorithm must be one of hashlib's"),
    (dict(checksum=("shake_128", "ab")), ValueError, "checksum's algorithm must be one of hashlib's"),
    (dict(checksum=("sha256", "abc")), ValueError, "checksum's digest must be 64 hex digits for sha256"),
    (dict(checksum=("md5", "z" * 32)), ValueError, "checksum's digest must be 32 hex digits for md5"),
    (dict(progress="no"), TypeError, "progress must be True or False"),
])
def test_bad_arguments_are_named_before_anything_is_created(tmp_path, kwargs, exc, message):
    home = tmp_path / "new"
    kwargs = {"data_home": home, "download": True, "url": "http://127.0.0.1:9/none.zip", **kwargs}
    with pytest.raises(exc, match=message):
        load_movielens_100k(**kwargs)
    assert not home.exists()                   # checked before any folder is made


def test_data_home_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="data_home must be a folder, but .* is a file"):
        load_movielens_100k(tmp_path / "f")


# ----------------------------------------------------------------------------- damaged files

def write_ml100k(home, u_data=U_DATA, u_item=U_ITEM):
    folder = home / "ml-100k"
    folder.mkdir(parents=True)
    (folder / "u.data").write_bytes(u_data.encode("latin-1"))
    if u_item is not None:
        (folder / "u.item").write_bytes(u_item.encode("latin-1"))
    return folder


def replace_line(text, number, new):
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def test_the_fixture_folder_loads(tmp_path):
    write_ml100k(tmp_path)
    r = load_movielens_100k(tmp_path)
    assert r.shape == (943, 1682) and len(r) == 100_000 and r.item_labels == TITLES
    # u.data's fourth column is kept, entry by entry, as the ratings' times
    assert r.times.dtype == np.int64 and np.array_equal(r.times, 881250949 + np.arange(100_000))
    assert np.array_equal(r.users, SYNTHETIC.users) and np.array_equal(r.items, SYNTHETIC.items)


FIRST_665_USERS = "".join(line + "\n" for line in U_DATA.splitlines() if int(line.split("\t")[0]) <= 665)
N_665 = FIRST_665_USERS.count("\n")


@pytest.mark.parametrize("u_data, message", [
    (FIRST_665_USERS, f"u.data is damaged .*: it has {N_665:,} lines, expected 100,000"),
    ("", "u.data is damaged .*: it has 0 lines, expected 100,000 ratings"),
    (replace_line(U_DATA, 3, "1\t104\t9\t881250951"), "line 3 has rating 9, outside 1-5"),
    (replace_line(U_DATA, 3, "1\t104\t0\t881250951"), "line 3 has rating 0, outside 1-5"),
    (replace_line(U_DATA, 7, "944\t5\t3\t881250951"), "line 7 has user id 944, outside 1-943"),
    (replace_line(U_DATA, 7, "0\t5\t3\t881250951"), "line 7 has user id 0, outside 1-943"),
    (replace_line(U_DATA, 8, "1\t1683\t3\t881250951"), "line 8 has item id 1683, outside 1-1682"),
    (replace_line(U_DATA, 4, "1\tStar Wars\t3\t881250951"), "line 4 should be four whole numbers separated by tabs"),
    (replace_line(U_DATA, 5, "1\t5\t3"), "line 5 should be four whole numbers"),
    (replace_line(U_DATA, 6, ""), "line 6 should be four whole numbers"),
    (replace_line(U_DATA, 2, U_DATA.split("\n")[0]), r"line 2 repeats the \(user, item\) pair \(1, 19\) of line 1"),
    (U_DATA.replace("\n943\t", "\n942\t"), r"users 1-943 should all have ratings, but 1 of them has none \(the first: user 943\)"),
])
def test_damaged_u_data_is_refused_with_file_and_line(tmp_path, u_data, message):
    write_ml100k(tmp_path, u_data=u_data)
    with pytest.raises(ValueError, match=message) as err:
        load_movielens_100k(tmp_path)
    assert str(tmp_path / "ml-100k" / "u.data") in str(err.value)
    assert "load_movielens_100k(download=True)" in str(err.value)     # says how to repair


@pytest.mark.parametrize("u_item, message", [
    (replace_line(U_ITEM, 7, "7 Drama #3"), r"line 7 should read '7\|title\|...', got '7 Drama #3'"),
    (replace_line(U_ITEM, 7, "8|Drama #3|x"), r"line 7 should read '7\|title\|...'"),
    ("".join(U_ITEM.splitlines(keepends=True)[:1000]), "it lists 1,000 movies, expected 1,682"),
    ("", "it lists 0 movies, expected 1,682"),
])
def test_damaged_u_item_is_refused_with_file_and_line(tmp_path, u_item, message):
    write_ml100k(tmp_path, u_item=u_item)
    with pytest.raises(ValueError, match=message) as err:
        load_movielens_100k(tmp_path)
    assert str(tmp_path / "ml-100k" / "u.item") in str(err.value)


def test_missing_u_item_says_what_to_delete(tmp_path):
    folder = write_ml100k(tmp_path, u_item=None)
    with pytest.raises(FileNotFoundError, match=r"u.item is missing .* Delete .*ml-100k"):
        load_movielens_100k(tmp_path, download=True, url="http://127.0.0.1:9/none.zip")
    assert sorted(p.name for p in folder.iterdir()) == ["u.data"]       # nothing was touched


# ----------------------------------------------------------------------------- the ml-100k folder

def test_a_non_empty_folder_in_the_way_is_named_and_kept(server, tmp_path):
    (tmp_path / "ml-100k").mkdir()
    (tmp_path / "ml-100k" / "notes.txt").write_text("mine")
    before = len(Handler.requests)
    with pytest.raises(FileExistsError, match=r"ml-100k is a folder without u.data \(it holds notes.txt\).*Delete it"):
        load_movielens_100k(tmp_path, download=True, url=f"{server}/ml-100k.zip", checksum=SHA)
    assert len(Handler.requests) == before                              # nothing was downloaded
    assert (tmp_path / "ml-100k" / "notes.txt").read_text() == "mine"   # nor deleted
    assert leftovers(tmp_path) == ["ml-100k"]


def test_a_file_in_the_way_is_named(server, tmp_path):
    (tmp_path / "ml-100k").write_text("not a folder")
    with pytest.raises(FileExistsError, match="ml-100k is a file, where the download would put"):
        load_movielens_100k(tmp_path, download=True, url=f"{server}/ml-100k.zip", checksum=SHA)


def test_an_empty_folder_is_replaced_by_the_download(server, tmp_path):
    (tmp_path / "ml-100k").mkdir()
    r = load_movielens_100k(tmp_path, download=True, url=f"{server}/ml-100k.zip", checksum=SHA,
                            progress=False)
    assert len(r) == 100_000 and leftovers(tmp_path) == ["ml-100k"]
    assert sorted(p.name for p in (tmp_path / "ml-100k").iterdir()) == ["README", "u.data", "u.item"]
