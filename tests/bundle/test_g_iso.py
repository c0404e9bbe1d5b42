"""The offline bundle's disc image (statportal.bundle.iso): ISO 9660 + Joliet + Rock Ridge,
read back with pycdlib; the size limit; unique 8.3 names."""

import io
import os

import pycdlib
import pytest

from statportal.bundle.iso import ImageTooLarge, joliet_name, write_iso

FILES = {
    "index.html": b"<!doctype html><title>start</title>",
    "README.txt": b"read me",
    "SHA256SUMS": b"0" * 64 + b"  index.html\n",
    "kk/Қазақстан_халқы.xlsx": b"PK" + bytes(range(256)) * 20,
    "ru/Цены_2026.pdf": b"%PDF-1.7 prices 2026",
    "ru/Цены_2027.pdf": b"%PDF-1.7 prices 2027",
    "ru/Цены/2026/Январь/таблица.csv": "месяц;индекс\nянварь;100,4\n".encode(),
    "en/a/b/c/d/e/f/g/h/deep.txt": b"eight levels down",
}


def read_back(path, kind):
    """Every file of the image as {path: bytes} through one of its name trees."""
    iso = pycdlib.PyCdlib()
    iso.open(str(path))
    try:
        found = {}
        for root, _dirs, names in iso.walk(**{kind: "/"}):
            for name in names:
                full = f"{root.rstrip('/')}/{name}"
                if iso.get_record(**{kind: full}).is_dir():
                    continue  # the place of a directory Rock Ridge moved under RR_MOVED
                buf = io.BytesIO()
                iso.get_file_from_iso_fp(buf, **{kind: full})
                found[full.lstrip("/")] = buf.getvalue()
        return found
    finally:
        iso.close()


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    folder = tmp_path_factory.mktemp("iso")
    on_disk = folder / "big.bin"
    on_disk.write_bytes(os.urandom(5000))
    files = dict(FILES, **{"ru/данные/большой файл.bin": on_disk})
    out = folder / "bundle.iso"
    size = write_iso(files.items(), out, "Бюро национальной статистики")
    expected = {k: v if isinstance(v, bytes) else v.read_bytes() for k, v in files.items()}
    return out, size, expected


def test_joliet_names_are_the_original_names_with_the_same_bytes(image):
    out, size, expected = image
    assert os.path.getsize(out) == size
    assert read_back(out, "joliet_path") == expected


def test_rock_ridge_names_are_the_original_names_with_the_same_bytes(image):
    out, _size, expected = image
    found = read_back(out, "rr_path")
    # Rock Ridge relocates a ninth directory level under rr_moved; its path stays the same.
    assert found == expected


def test_iso9660_names_are_unique_8_3_names(image):
    out, _size, expected = image
    found = read_back(out, "iso_path")
    assert sorted(found.values()) == sorted(expected.values())
    for path in found:
        *dirs, name = path.split("/")
        stem, _dot, ext = name.split(";")[0].partition(".")
        assert len(stem) <= 8 and len(ext) <= 3, name
        assert all(ch.isascii() and (ch.isupper() or ch.isdigit() or ch == "_")
                   for ch in stem + ext), name
        assert all(len(d) <= 8 for d in dirs), path
    # The two «Цены_202x.pdf» share their first 8 letters and still get two names.
    assert "KK/QAZAQSTA.XLS;1" in found
    prices = [p for p in found if p.startswith("RU/TSENY") and p.endswith(".PDF;1")]
    assert len(prices) == 2


def test_the_volume_label_is_made_of_d_characters(image):
    out, _size, _expected = image
    iso = pycdlib.PyCdlib()
    iso.open(str(out))
    try:
        label = iso.pvd.volume_identifier.decode().strip()
    finally:
        iso.close()
    assert label == "BYURO_NATSIONALN"


def test_many_names_sharing_their_first_letters_stay_distinct(tmp_path):
    files = [(f"ru/Цены_потребителей_{n:03d}.csv", str(n).encode()) for n in range(120)]
    files += [("ru/ЦЕНЫ_ПОТРЕБИТЕЛЕЙ_000.csv", b"upper"), ("ru/TSENY_PO.CSV", b"latin")]
    out = tmp_path / "many.iso"
    write_iso(files, out, "MANY")
    expected = {p: data for p, data in files}
    assert read_back(out, "rr_path") == expected
    by_iso = read_back(out, "iso_path")
    assert len(by_iso) == len(files)
    assert sorted(by_iso.values()) == sorted(expected.values())
    # Windows compares names without case: the upper-case twin gets a name of its own.
    joliet = read_back(out, "joliet_path")
    assert len(joliet) == len(files)
    twins = {joliet.get(p) for p in ("ru/Цены_потребителей_000.csv",
                                      "ru/ЦЕНЫ_ПОТРЕБИТЕЛЕЙ_000.csv")}
    renamed = {joliet.get(p) for p in ("ru/Цены_потребителей_000~1.csv",
                                        "ru/ЦЕНЫ_ПОТРЕБИТЕЛЕЙ_000~1.csv")}
    assert len(twins - {None}) == len(renamed - {None}) == 1
    assert (twins - {None}) | (renamed - {None}) == {b"0", b"upper"}


def test_a_name_too_long_for_joliet_is_shortened_keeping_its_extension(tmp_path):
    name = "Очень_длинное_название_материала_о_потребительских_ценах.xlsx"
    assert joliet_name(name) != name and joliet_name(name).endswith(".xlsx")
    assert len(joliet_name(name).encode()) <= 64
    assert joliet_name("Цены_2026.pdf") == "Цены_2026.pdf"
    out = tmp_path / "long.iso"
    write_iso([(name, b"x")], out, "LONG")
    assert read_back(out, "joliet_path") == {joliet_name(name): b"x"}
    assert read_back(out, "rr_path") == {name: b"x"}


def test_over_the_size_limit_nothing_is_written(tmp_path):
    out = tmp_path / "big.iso"
    files = [("a.bin", b"a" * 300_000), ("b.bin", b"b" * 300_000)]
    with pytest.raises(ImageTooLarge) as raised:
        write_iso(files, out, "BIG", max_bytes=500_000)
    assert "size limit" in str(raised.value) and "500000" in str(raised.value)
    # The files and the descriptors fit (651,264 bytes) but not the directories and path
    # tables the image needs around them (665,600): refused before writing too.
    with pytest.raises(ImageTooLarge) as raised:
        write_iso(files, out, "BIG", max_bytes=660_000)
    assert raised.value.size == 665_600
    assert list(tmp_path.iterdir()) == []
    size = write_iso(files, out, "BIG", max_bytes=700_000)
    assert size == os.path.getsize(out) <= 700_000
    assert [p.name for p in tmp_path.iterdir()] == ["big.iso"]


@pytest.mark.parametrize("path", ["/abs.txt", "a/../b.txt", "a//b.txt", "", "./a.txt"])
def test_a_bad_path_is_refused_and_nothing_written(tmp_path, path):
    with pytest.raises(ValueError, match="relative path"):
        write_iso([(path, b"x")], tmp_path / "bad.iso", "BAD")
    assert list(tmp_path.iterdir()) == []


def test_a_path_twice_or_both_file_and_directory_is_refused(tmp_path):
    with pytest.raises(ValueError, match="twice"):
        write_iso([("a.txt", b"1"), ("a.txt", b"2")], tmp_path / "x.iso", "X")
    with pytest.raises(ValueError, match="both a file and a directory"):
        write_iso([("a", b"1"), ("a/b.txt", b"2")], tmp_path / "x.iso", "X")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_image_is_replaced_whole(tmp_path):
    out = tmp_path / "same.iso"
    out.write_bytes(b"old")
    write_iso([("Цены.txt", b"new")], out, "SAME")
    assert read_back(out, "joliet_path") == {"Цены.txt": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["same.iso"]

