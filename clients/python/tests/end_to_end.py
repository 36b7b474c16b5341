"""End-to-end check against a running broker and worker, run by PythonClientIntegrationTest.

    end_to_end.py BOOTSTRAP PNG_DIR TAPS          (TAPS: the worker's embedding taps, comma-separated)

Publishes every PNG of PNG_DIR with the client (id: the file name without .png, attribute
"label": what follows its first '-', as in 07-star.png) and three poison values with a plain confluent-kafka
producer: bytes that are not Avro, an ImageRecord under a fingerprint no schema has, and a
truncated PNG. Then reads the output topics with the client until every good id has a prediction
and an embedding per tap and every poison key a dead letter, or 180 s pass. Prints one JSON
line per record sent ("sent") and per output read, for the Java test to check.
"""
import base64
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from confluent_kafka import Producer  # noqa: E402

import inception_stream as isc  # noqa: E402


def emit(doc):
    print(json.dumps(doc, sort_keys=True, default=str), flush=True)


def main(bootstrap, png_dir, taps):
    config = {"bootstrap.servers": bootstrap}
    good = {}
    for name in sorted(os.listdir(png_dir)):
        if name.endswith(".png"):
            with open(os.path.join(png_dir, name), "rb") as f:
                good[name[: -len(".png")]] = f.read()
    records = [{"id": i, "image": png, "attributes": {"label": i.split("-", 1)[1]},
                "timestamp": int(time.time() * 1000)} for i, png in good.items()]
    acked = isc.publish(config, records)
    for i in good:
        emit({"sent": i, "kind": "good"})
    any_png = next(iter(good.values()))
    bad_fingerprint = bytearray(isc.encode_image_record({"id": "poison-fingerprint", "image": any_png}))
    bad_fingerprint[2] ^= 0xFF
    poison = {
        "poison-garbage": b"this is not avro at all",
        "poison-fingerprint": bytes(bad_fingerprint),
        "poison-corrupt": isc.encode_image_record({"id": "poison-corrupt", "image": any_png[:40]}),
    }
    producer = Producer(isc.client_config(config))
    for key, value in poison.items():
        producer.produce("images", key=key, value=value)
        emit({"sent": key, "kind": "poison", "value": base64.b64encode(value).decode()})
    if producer.flush(30):
        raise SystemExit("poison records not acknowledged")

    predicted, embedded, dead = set(), {}, set()

    def done():
        return (predicted >= set(good) and all(embedded.get(i, set()) >= taps for i in good)
                and dead >= set(poison))

    deadline = time.monotonic() + 180
    with isc.subscribe(config, idle_timeout=60) as outputs:
        for out in outputs:
            v = out.value
            doc = {"kind": out.kind, "topic": out.topic, "key": (out.key or b"").decode("utf-8", "replace"),
                   "id": v["id"], "model-version": (out.headers.get("model-version") or b"").decode()}
            if out.kind == "Prediction":
                predicted.add(v["id"])
                doc.update(label=v["label"], probability=v["probability"], topK=len(v["topK"]),
                           attributes=v["attributes"], source=v["source"])
            elif out.kind == "Embedding":
                embedded.setdefault(v["id"], set()).add(v["tap"])
                doc.update(tap=v["tap"], dimension=v["dimension"], length=len(v["vector"]))
            else:
                dead.add(doc["key"])
                doc.update(errorKind=v["errorKind"], errorMessage=v["errorMessage"],
                           value=base64.b64encode(v["value"] or b"").decode(), source=v["source"])
            emit(doc)
            if done() or time.monotonic() > deadline:
                break
    emit({"acked": acked, "complete": done()})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], set(sys.argv[3].split(",")))
