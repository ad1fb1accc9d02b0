"""``captions batch``: convert and check a whole folder, in parallel, resumably.

The work is split in two so that it can run anywhere:

* :func:`process_file` is the per-file job, a pure function of a :class:`FileJob` (the input's
  bytes, its relative path, the resolved :class:`FileSettings` and the dictionaries they name)
  returning a picklable :class:`FileResult` (the rendered outputs as text, counts, findings, a
  reading-speed timeline).  It never raises and never touches the file system except to read
  the dictionaries it is given; one bad file never stops the others.
* :func:`run_batch` is the driver: it finds the inputs (:func:`discover`), resolves the options
  of each one from the command line and the ``captions.toml`` files above it
  (:func:`resolve_settings`), plans the outputs and refuses collisions (:func:`plan_inputs`),
  skips inputs the manifest says are done, runs the jobs in a process pool, and is the only
  writer: outputs and the manifest are written atomically, one file at a time, as results
  arrive.  Killing it loses at most the files in flight.
* What a run did is a :class:`ManifestEntry` per input (:mod:`captions.batch.manifest`): the
  manifest stores them, the command line prints them, the HTML report draws them.

Safety rules the driver keeps whatever the file names contain: it never writes inside
INPUT_DIR, never writes outside OUTPUT_DIR, and never follows a symbolic link out of INPUT_DIR.
"""

from .driver import BatchRequest, Progress, ResultHook, check_dirs, dask_executor, run_batch, safe_output_path
from .job import FileJob, FileResult, FindingCount, process_file, timeline_points
from .manifest import BatchSummary, DictionaryRef, Kind, Manifest, ManifestEntry, OutputRecord, Status, TimelinePoint
from .plan import INPUT_SUFFIXES, Found, Planned, discover, output_rel, plan_inputs
from .settings import CONFIG_NAME, FileSettings, Layer, parse_formats, read_folder_config, resolve_settings

__all__ = [
    "CONFIG_NAME", "INPUT_SUFFIXES", "Kind", "Status", "Layer", "DictionaryRef", "FileSettings", "FileJob",
    "FileResult", "FindingCount", "TimelinePoint", "Found", "Planned", "BatchRequest", "BatchSummary", "Progress",
    "ResultHook", "Manifest", "ManifestEntry", "OutputRecord",
    "discover", "read_folder_config", "resolve_settings", "plan_inputs", "process_file", "run_batch",
    "parse_formats", "timeline_points", "dask_executor", "check_dirs", "safe_output_path", "output_rel",
]
