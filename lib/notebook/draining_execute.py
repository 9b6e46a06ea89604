"""nbconvert's ExecutePreprocessor, waiting for a cell's late output.

Deno's kernel reports a cell idle before it has sent all of the cell's
console output (a long output arrives partly after the "idle" status), and
nbclient stops reading a cell's output at "idle", so `jupyter nbconvert
--execute` keeps a random part of it. This preprocessor reads on after
"idle" until the kernel has been quiet for QUIET seconds, keeping every
message of the cell. `deno task notebooks` runs nbconvert with it (see
lib/commands/notebooks.ts); a live Jupyter frontend needs nothing of the
sort, as it shows late messages under their cell.
"""

from queue import Empty

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor

QUIET = 0.3


class DrainingExecutePreprocessor(ExecutePreprocessor):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=QUIET if idle else None))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True
