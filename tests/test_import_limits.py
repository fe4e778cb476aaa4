"""import_cordis on hostile files: bounds on rows and zip members, and memory that stays flat.

Every hostile file is built in tmp_path; the real data (tests/data.py) is never copied into
the repository.
"""

import io
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cordis.files import read_dump
from cordis.input import MAX_ROW, MAX_ZIP_RATIO, MIN_ZIP_MEMBER
from organizations.models import Organization
from projects.models import Keyword, Participation, Project
from tests.data import CORDIS_HORIZON, CORDIS_IMI2

pytestmark = pytest.mark.django_db

MB = 1_000_000
TOO_LONG = rf"the line is longer than {MAX_ROW:,} characters"


def run_import(path):
    call_command("import_cordis", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def assert_nothing_written():
    for model in [Project, Organization, Participation, Keyword]:
        assert not model.objects.exists(), model


def write_zip(path, members, *, padding=0):
    """A zip of {name: chunks of bytes}, written a chunk at a time, then `padding` bytes.

    Random bytes do not compress: padding makes the zip big enough that its members pass the
    ratio, so that what stops them is the row limit.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, chunks in members.items():
            with archive.open(name, "w") as member:
                for chunk in chunks:
                    member.write(chunk)
        if padding:
            archive.writestr("padding.bin", os.urandom(padding), zipfile.ZIP_STORED)
    return path


def endless_line(size):
    return [b"a;" * (MB // 2)] * (size // MB)  # `size` bytes of a;a;a;... and no newline


def nuls(size):
    return [bytes(MB)] * (size // MB)


def write_dump(folder, project_text=None, organization_text=None):
    """The real IMI2 files in `folder`, either replaced by the text given."""
    folder.mkdir()
    for name, text in [("project.csv", project_text), ("organization.csv", organization_text)]:
        text = text or (CORDIS_IMI2 / name).read_text(encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


# Rows and lines -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [endless_line, nuls], ids=["endless-line", "nuls"])
def test_an_endless_line_in_a_zip_stops_at_the_row_limit(tmp_path, content):
    size = 20 * MB
    archive = write_zip(
        tmp_path / "dump.zip", {"project.csv": content(size)}, padding=size // MAX_ZIP_RATIO
    )
    with pytest.raises(CommandError, match=rf"^project\.csv, line 1: {TOO_LONG}"):
        run_import(archive)
    assert_nothing_written()


HARMONY_OBJECTIVE = ';"Despite significant recent progress'


def long_objective(text):
    return text.replace(HARMONY_OBJECTIVE, ';"' + "§" * (MAX_ROW + 1) + HARMONY_OBJECTIVE[2:])


def long_objective_over_lines(text):
    lines = ("§" * 99 + "\n") * (MAX_ROW // 100 + 1)
    return text.replace(HARMONY_OBJECTIVE, ';"' + lines + HARMONY_OBJECTIVE[2:])


def many_multiline_fields(text):
    # Each field is short, so csv's field limit never stops the record: the row limit does.
    row = '"§\n";' * (MAX_ROW // 5 + 1) + '"§"\r\n'
    return text.replace("116026;HARMONY;", row + "116026;HARMONY;")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (long_objective, TOO_LONG),
        (long_objective_over_lines, rf"the row is longer than {MAX_ROW:,} characters \(it runs"),
        (many_multiline_fields, rf"the row is longer than {MAX_ROW:,} characters \(it runs"),
    ],
    ids=["one-line", "over-lines", "many-multiline-fields"],
)
def test_a_row_longer_than_the_limit_is_an_error_naming_its_line(tmp_path, edit, message):
    text = edit((CORDIS_IMI2 / "project.csv").read_text(encoding="utf-8"))
    folder = write_dump(tmp_path / "dump", project_text=text)
    line = line_of(text, "§")  # the row's first line
    assert line > 100  # the rows before it are good ones

    with pytest.raises(CommandError, match=rf"^project\.csv, line {line}: {message}"):
        run_import(folder)
    assert_nothing_written()


def test_a_too_long_line_in_a_folder_file_names_the_file_and_line(tmp_path):
    text = (CORDIS_IMI2 / "organization.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines.insert(1000, "9" * 3 * MAX_ROW + "\r\n")
    folder = write_dump(tmp_path / "dump", organization_text="".join(lines))

    with pytest.raises(CommandError, match=rf"^organization\.csv, line 1001: {TOO_LONG}"):
        run_import(folder)
    assert_nothing_written()  # not even the good projects of project.csv


def test_a_long_line_in_a_file_that_is_not_utf8_is_named_as_too_long(tmp_path):
    # The decoder reads ahead of csv: its error comes first; the re-read names the long line.
    text = (CORDIS_IMI2 / "project.csv").read_text(encoding="utf-8")
    folder = write_dump(tmp_path / "dump")
    (folder / "project.csv").write_bytes(text.encode() + b"9" * (4 * MAX_ROW + 1) + b"\xff\r\n")
    line = text.count("\n") + 1

    with pytest.raises(CommandError, match=rf"^project\.csv, line {line}: {TOO_LONG}"):
        run_import(folder)


# Zip members ----------------------------------------------------------------------------------


def test_a_zip_member_far_bigger_than_its_zip_is_refused_before_reading(tmp_path):
    size = 2 * MIN_ZIP_MEMBER
    archive = write_zip(tmp_path / "dump.zip", {"csv/project.csv": nuls(size)})
    zip_size = archive.stat().st_size
    assert size > MAX_ZIP_RATIO * zip_size

    # Not read: reading it would have said "line 1: the line is longer".
    with pytest.raises(CommandError) as error:
        run_import(archive)
    assert str(error.value) == (
        f"csv/project.csv in {archive}: {size:,} bytes uncompressed in a zip of {zip_size:,} "
        f"bytes, more than {MAX_ZIP_RATIO} times the zip's size; CORDIS files compress far "
        "less than that: not a CORDIS dump (a zip bomb?)"
    )
    assert_nothing_written()


def test_a_zip_member_longer_than_it_declares_is_a_damaged_zip(tmp_path):
    path = tmp_path / "dump.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(CORDIS_IMI2 / "project.csv", "project.csv")
        archive.write(CORDIS_IMI2 / "organization.csv", "organization.csv")
        archive.getinfo("project.csv").file_size = 1000  # the directory, written on close, lies

    with pytest.raises(CommandError, match=r"^project\.csv: the zip is damaged \(Bad CRC-32"):
        run_import(path)
    assert_nothing_written()


def test_the_real_horizon_dump_is_within_the_bounds():
    dump = read_dump(CORDIS_HORIZON)
    assert dump.rows == {
        "project.csv": 12_900,
        "organization.csv": 80_276,
        "euroSciVoc.csv": 38_789,
        "topics.csv": 15_341,
        "legalBasis.csv": 20_512,
    }


# Memory ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory):
    """A migrated SQLite database file for the children to import into (made once)."""
    path = tmp_path_factory.mktemp("child") / "migrated.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": f"sqlite:///{path}"},
        check=True,
        timeout=300,
    )
    return path


# Runs a command and prints its peak memory (kB). Linux counts a child's peak from the memory
# of the process it was forked from: forked from this (large) test process, any child would
# seem to take several hundred MB. Forked from this small launcher, it is measured alone.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def import_in_a_child(path, tmp_path, database):
    """Run manage.py import_cordis in a child process: (exit code, stderr, peak memory in MB)."""
    child_database = tmp_path / "child.sqlite3"
    shutil.copy(database, child_database)
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "manage.py", "import_cordis", "--quiet", str(path)],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": f"sqlite:///{child_database}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stderr, int(result.stdout.split()[-1]) / 1000


# Smaller versions of the zips of the issue: 1.1 MB holding one endless line of "a;" (6 GB
# before MemoryError), 2 MB holding 2 GiB of NUL bytes (4.3 GB): about 1/10 of their size, as
# they are (the ratio refuses them) and padded to pass the ratio (the row limit stops them).
@pytest.mark.parametrize("padded", [False, True], ids=["as-is", "padded"])
@pytest.mark.parametrize(
    ("content", "size"), [(endless_line, 100 * MB), (nuls, 256 * MB)], ids=["endless", "nuls"]
)
def test_hostile_zips_do_not_grow_the_memory(tmp_path, migrated_sqlite_file, content, size, padded):
    padding = 2 * size // MAX_ZIP_RATIO if padded else 0
    archive = write_zip(tmp_path / "dump.zip", {"project.csv": content(size)}, padding=padding)

    code, stderr, peak = import_in_a_child(archive, tmp_path, migrated_sqlite_file)

    assert peak < 300  # MB; a child importing nothing takes about 70 MB
    assert code == 1
    assert "Traceback" not in stderr
    expected = "project.csv, line 1: the line is longer" if padded else "a zip bomb?"
    assert stderr.startswith("CommandError: ") and expected in stderr
