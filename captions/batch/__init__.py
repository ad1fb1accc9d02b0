"""``captions batch``: convert and check a whole folder, in parallel, resumably.

The work is split in two so that it can run anywhere:

* :func:`process_file` is the per-file job, a pure function of a :class:`FileJob` (the input's
  bytes, its relative path, the resolved :class:`FileSettings` and the dictionaries they name)
  returning a picklable :class:`FileResult` (the rendered outputs as text, counts, findings, a
  reading-speed timeline).  It never raises and never touches the file system except to read
  the dictionaries it is given; one bad file never stops the others.
* :func:`run_batch` is the driver: it takes OUTPUT_DIR's lock, finds the inputs
  (:func:`discover`), resolves the options of each one from the command line and the
  ``captions.toml`` files above it (:func:`resolve_settings`), plans the outputs and refuses
  collisions (:func:`plan_inputs`), skips inputs the manifest says are done (their outputs
  checked on disk), runs the jobs on workers of its own under per-file limits
  (:mod:`captions.batch.workers`), and is the only writer: each file's outputs are written all
  or none, then one line of the manifest's journal, as results arrive.  Killing it loses at
  most the files in flight.
* What a run did is a :class:`ManifestEntry` per input (:mod:`captions.batch.manifest`): the
  manifest stores them, the command line prints them, the HTML report draws them.

Safety rules the driver keeps whatever the files and their names contain: one run per
OUTPUT_DIR; it never writes inside INPUT_DIR, never writes outside OUTPUT_DIR, reads nothing
because of INPUT_DIR but regular files inside it (size-limited), and a failure reason never
quotes a file's contents.  docs/batch.md lists each guarantee with the test that keeps it.
"""

from .driver import (
    MAX_FILE_BYTES,
    BatchRequest,
    Progress,
    ResultHook,
    TickHook,
    check_dirs,
    dask_executor,
    redact,
    run_batch,
    safe_output_path,
)
from .job import FileJob, FileResult, FindingCount, process_file, timeline_points
from .manifest import BatchSummary, DictionaryRef, Kind, Manifest, ManifestEntry, OutputRecord, Status, TimelinePoint
from .plan import INPUT_SUFFIXES, Found, Planned, discover, output_rel, plan_inputs
from .settings import CONFIG_NAME, FileSettings, Layer, parse_formats, read_folder_config, resolve_settings
from .workers import Limits, Stop, available_cpus

__all__ = [
    "CONFIG_NAME", "INPUT_SUFFIXES", "MAX_FILE_BYTES", "Kind", "Status", "Layer", "DictionaryRef", "FileSettings",
    "FileJob", "FileResult", "FindingCount", "TimelinePoint", "Found", "Planned", "BatchRequest", "BatchSummary",
    "Progress", "ResultHook", "TickHook", "Manifest", "ManifestEntry", "OutputRecord", "Limits", "Stop",
    "discover", "read_folder_config", "resolve_settings", "plan_inputs", "process_file", "run_batch",
    "parse_formats", "timeline_points", "dask_executor", "check_dirs", "safe_output_path", "output_rel", "redact",
    "available_cpus",
]
