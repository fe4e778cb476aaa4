"""Where the tests read the real CORDIS data (107 IMI2 projects): beside the repository, in
../shared/data/cordis-imi2, never copied into it. A checkout elsewhere names the folder in
the CORDIS_IMI2 environment variable (and the HORIZON zip, if not beside it, in
CORDIS_HORIZON)."""

import os
from pathlib import Path

from django.conf import settings

CORDIS_IMI2 = Path(
    os.environ.get("CORDIS_IMI2")
    or Path(settings.BASE_DIR).parent / "shared" / "data" / "cordis-imi2"
)
# The real HORIZON dump (80,276 participations), in the zip CORDIS publishes, beside IMI2's.
CORDIS_HORIZON = Path(
    os.environ.get("CORDIS_HORIZON")
    or CORDIS_IMI2.parent / "cordis-horizon-2024" / "cordis-HORIZONprojects-csv.zip"
)
