"""Every kind of background job and its handler: what `fupin serve`'s worker thread and `fupin worker` can run."""

from collections.abc import Mapping

from fupin.assessment import assess_job
from fupin.jobs.worker import Handler
from fupin.registry import import_job

HANDLERS: Mapping[str, Handler] = {import_job.KIND: import_job.run, assess_job.KIND: assess_job.run}
