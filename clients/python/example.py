"""Publishes image files to Inception Stream and prints what the workers answer.

    /usr/bin/python3 clients/python/example.py client.properties cat.png dog.jpg
"""
import pathlib
import sys

import inception_stream as isc

config, files = sys.argv[1], [pathlib.Path(f) for f in sys.argv[2:]]
isc.publish(config, [{"id": f.name, "image": f.read_bytes(), "attributes": {"file": str(f)}}
                     for f in files])

waiting = {f.name for f in files}
with isc.subscribe(config, idle_timeout=120) as outputs:  # a fresh group, from the beginning
    for out in outputs:
        record = out.value
        if record["id"] not in waiting:
            continue  # older images, or an embedding
        if out.kind == "Prediction":
            print(record["id"], record["label"], "%.3f" % record["probability"])
        elif out.kind == "DeadLetter":
            print(record["id"], "rejected:", record["errorKind"], record["errorMessage"])
        else:
            continue
        waiting.discard(record["id"])
        if not waiting:
            break
sys.exit(1 if waiting else 0)
