"""Decoding and preparing on a Ray cluster; the process that started the run stays the only writer.

The driver keeps everything that writes (the memory, translations/, .workbench/) and
everything that decides (deduplication, the glossary, what is stale). Workers only compute:

- decoding: the driver sorts the distinct pending sentences by length and cuts them into
  batches with CTranslate2's own rule (`batches_of`); Ray Data's `map_batches` sends each
  task (one batch per decoding thread of a worker) to an actor pool of decoders, each of
  which loads the Argos package once from its own node, refusing to start if its model or
  Workbench version differs from the driver's. Results come back task by task, as they
  finish, and are committed by the translate stage exactly as the single-process engine's.
  At most `in_flight` tasks are out at once (two per worker: one decoding, one waiting), so
  a killed driver redoes at most those; a lost node costs the tasks it held, which Ray
  retries on the actors it restarts.
- preparing: persistent actors (language models loaded once each) prepare one source or
  one WARC record per task and hand the article back; the driver checks its key and stores it.

Only this package imports ray (an import contract says so); `ray` is the `cluster` extra.
"""


from workbench.cluster.connection import (
    ENVIRONMENT,
    LOCAL,
    ClusterError,
    Connection,
    Node,
    alive_nodes,
    check_nodes,
    cluster_address,
    node_report,
)
from workbench.cluster.decode import ClusterEngine, ClusterEngines, Decoder, default_workers, worker_settings
from workbench.cluster.prepare import ClusterPreparer, PrepareWorker

__all__ = [
    "ENVIRONMENT",
    "LOCAL",
    "ClusterEngine",
    "ClusterEngines",
    "ClusterError",
    "ClusterPreparer",
    "Connection",
    "Decoder",
    "Node",
    "PrepareWorker",
    "alive_nodes",
    "check_nodes",
    "cluster_address",
    "default_workers",
    "node_report",
    "worker_settings",
]
