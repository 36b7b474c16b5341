"""A small Python client for Inception Stream: publish images, read the worker's outputs.

Every topic carries Avro single-object encoding: the bytes ``C3 01``, the writer schema's 8-byte
little-endian CRC-64-AVRO fingerprint, then the Avro binary body. This module builds and reads
that framing itself, computing each schema's Parsing Canonical Form and fingerprint from the
schema files (Debian's python3-avro 1.11 gets the canonical form wrong for fields with logical
types, such as ImageRecord's ``timestamp``); python3-avro only encodes and decodes the bodies.
Kafka access is confluent-kafka (librdkafka), which reads the workers' lz4-compressed outputs.

    import inception_stream as isc

    isc.publish("client.properties", [{"id": "cat-1", "image": open("cat.png", "rb").read()}])
    with isc.subscribe("client.properties", idle_timeout=30) as outputs:
        for out in outputs:
            print(out.kind, out.value["id"])

Configuration is a dict or the path of a Java-style ``client.properties`` file (the format of
the worker's ``--kafka-config``); see :func:`client_config` for the keys that are translated.
Run ``python3 inception_stream.py fingerprint FILE...`` to print schema fingerprints.
"""

import datetime
import io
import json
import os
import re
import struct
import sys
import time
import uuid
from dataclasses import dataclass

__all__ = [
    "WireFormatError",
    "PublishError",
    "crc64_avro",
    "canonical_form",
    "fingerprint",
    "Schemas",
    "load_properties",
    "client_config",
    "encode_image_record",
    "decode",
    "publish",
    "subscribe",
    "Output",
    "Subscription",
]

MAGIC = b"\xc3\x01"
OUTPUT_TOPICS = ("predictions", "embeddings", "images.dlq")
DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")

_EMPTY = 0xC15D213AA4D7A795  # CRC-64-AVRO's initial value, from the Avro specification


def _crc_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc_table()


class WireFormatError(ValueError):
    """A value that is not single-object Avro of a known schema."""


class PublishError(Exception):
    """Some records were not acknowledged: ``failures`` lists (key, KafkaError) pairs."""

    def __init__(self, sent, failures, unfinished, timeout):
        first = " first: key %r, %s" % (failures[0][0], failures[0][1]) if failures else ""
        super().__init__(
            "%d of %d records failed and %d were not acknowledged within %ss;%s"
            % (len(failures), sent, unfinished, timeout, first)
        )
        self.failures = failures


def crc64_avro(data):
    """The 64-bit Rabin fingerprint the Avro specification calls CRC-64-AVRO, as an int."""
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical_form(schema):
    """The Parsing Canonical Form of a schema (JSON text or the parsed JSON), per the Avro spec.

    Keeps only name, type, fields, symbols, items, values and size, in that order; full names;
    primitives as plain strings (logical types dropped); a named type is written out where it is
    first met and referred to by full name afterwards; no whitespace.
    """
    if isinstance(schema, (str, bytes)):
        text = schema.decode("utf-8") if isinstance(schema, bytes) else schema
        try:
            schema = json.loads(text)
        except json.JSONDecodeError:
            schema = text  # a bare name such as "string"
    return _canonical(schema, "", {})


def _full_name(name, namespace):
    if "." in name:
        return name
    return namespace + "." + name if namespace else name


def _canonical(s, namespace, seen):
    if isinstance(s, str):
        if s in _PRIMITIVES:
            return json.dumps(s)
        for candidate in (_full_name(s, namespace), s):
            if candidate in seen:
                return json.dumps(candidate)
        raise WireFormatError("Unknown type name %r (namespace %r)" % (s, namespace))
    if isinstance(s, list):
        return "[" + ",".join(_canonical(t, namespace, seen) for t in s) + "]"
    if not isinstance(s, dict) or "type" not in s:
        raise WireFormatError("Not an Avro schema: %r" % (s,))
    t = s["type"]
    if t in ("record", "error", "enum", "fixed"):
        ns = s.get("namespace", namespace) or ""
        name = _full_name(s["name"], ns)
        if name in seen:
            return json.dumps(name)
        seen[name] = True
        inner = name.rpartition(".")[0]  # nested names resolve in this type's namespace
        out = '{"name":' + json.dumps(name) + ',"type":"' + ("record" if t == "error" else t) + '"'
        if t == "enum":
            out += ',"symbols":[' + ",".join(json.dumps(x) for x in s["symbols"]) + "]"
        elif t == "fixed":
            out += ',"size":' + str(int(s["size"]))
        else:
            fields = []
            for f in s["fields"]:
                field_type = _canonical(f["type"], inner, seen)
                fields.append('{"name":%s,"type":%s}' % (json.dumps(f["name"]), field_type))
            out += ',"fields":[' + ",".join(fields) + "]"
        return out + "}"
    if t == "array":
        return '{"type":"array","items":' + _canonical(s["items"], namespace, seen) + "}"
    if t == "map":
        return '{"type":"map","values":' + _canonical(s["values"], namespace, seen) + "}"
    return _canonical(t, namespace, seen)  # {"type": "long", "logicalType": ...} or a name


def fingerprint(schema):
    """The CRC-64-AVRO fingerprint of a schema's canonical form, as an int."""
    return crc64_avro(canonical_form(schema).encode("utf-8"))


class Schemas:
    """The schema files of a ``schemas/`` directory (``history/`` included), by fingerprint.

    Each file is parsed alone with python3-avro. ``current(name)`` is the top-level file of that
    record name, the version a producer writes.
    """

    def __init__(self, directory=None):
        import avro.schema

        self.directory = os.path.abspath(directory or DEFAULT_SCHEMAS)
        self.by_fingerprint = {}
        self._current = {}
        files = []
        for sub in ("", "history"):
            d = os.path.join(self.directory, sub)
            if os.path.isdir(d):
                files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".avsc")]
        if not files:
            raise FileNotFoundError("No .avsc files in " + self.directory)
        for path in files:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            parsed = avro.schema.parse(text)
            fp = fingerprint(text)
            self.by_fingerprint[fp] = parsed
            if os.path.dirname(path) == self.directory:
                self._current[parsed.name] = (fp, parsed)

    def current(self, name):
        """(fingerprint, parsed schema) of the current version of a record name."""
        try:
            return self._current[name]
        except KeyError:
            raise KeyError("No %s.avsc in %s" % (name, self.directory)) from None


_DEFAULT = {}


def _schemas(schemas):
    if isinstance(schemas, Schemas):
        return schemas
    key = os.path.abspath(schemas or DEFAULT_SCHEMAS)
    if key not in _DEFAULT:
        _DEFAULT[key] = Schemas(key)
    return _DEFAULT[key]


def _epoch_millis_to_datetime(ms):
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return epoch + datetime.timedelta(milliseconds=ms)


def encode_image_record(record, schemas=None):
    """Single-object bytes of an ImageRecord (current version) from a dict.

    ``id`` (str) and ``image`` (bytes) are required; ``encoding`` (default "AUTO"), ``width``,
    ``height``, ``attributes`` (dict of str) and ``timestamp`` (epoch milliseconds or an aware
    datetime) are optional.
    """
    import avro.io

    fp, schema = _schemas(schemas).current("ImageRecord")
    datum = {
        "id": record["id"],
        "image": bytes(record["image"]),
        "encoding": record.get("encoding") or "AUTO",
        "width": record.get("width"),
        "height": record.get("height"),
        "attributes": dict(record.get("attributes") or {}),
        "timestamp": record.get("timestamp"),
    }
    if isinstance(datum["timestamp"], int):  # python3-avro writes timestamp-millis from datetimes
        datum["timestamp"] = _epoch_millis_to_datetime(datum["timestamp"])
    unknown = set(record) - set(datum) - {"key"}
    if unknown:
        raise ValueError("Unknown ImageRecord fields: " + ", ".join(sorted(unknown)))
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(body))
    return MAGIC + struct.pack("<Q", fp) + body.getvalue()


def decode(value, schemas=None):
    """(record name, dict) of a single-object value, decoded with the schema its fingerprint names.

    Timestamps (logical type timestamp-millis) come back as aware UTC datetimes.
    """
    import avro.io

    if value is None or len(value) < 10 or value[:2] != MAGIC:
        raise WireFormatError("Not Avro single-object encoded: %r" % (bytes(value or b"")[:10],))
    fp = struct.unpack("<Q", value[2:10])[0]
    schema = _schemas(schemas).by_fingerprint.get(fp)
    if schema is None:
        raise WireFormatError("Unknown writer schema fingerprint %016x" % fp)
    try:
        body = avro.io.BinaryDecoder(io.BytesIO(value[10:]))
        record = avro.io.DatumReader(schema, schema).read(body)
    except Exception as e:  # python3-avro raises assorted types on a truncated or damaged body
        raise WireFormatError(
            "%s body does not decode: %s: %s" % (schema.name, type(e).__name__, e)
        ) from e
    return schema.name, record


# Client properties: Java names that librdkafka spells differently or does not have.
_JAAS = re.compile(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"')
_JAVA_ONLY = {
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
    "ssl.truststore.type",
    "ssl.keystore.type",
}


def load_properties(path):
    """Reads a Java ``.properties`` file as ``java.util.Properties.load`` does: ``key=value``,
    ``key: value`` or ``key value`` lines, ``#`` and ``!`` comment lines, blank lines, a line
    ending in an odd number of backslashes continued on the next, and the escapes ``\\t``,
    ``\\n``, ``\\r``, ``\\f``, ``\\uXXXX`` and backslash-anything (that character)."""
    props = {}
    pending = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines + [""]:
        if pending is None:
            line = line.lstrip(" \t\f")
            if not line or line[0] in "#!":
                continue
        else:
            line = pending + line.lstrip(" \t\f")
        if (len(line) - len(line.rstrip("\\"))) % 2 == 1:
            pending = line[:-1]
            continue
        pending = None
        key, value = _split_property(line)
        props[key] = value
    return props


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _split_property(line):
    """(key, value) of one logical properties line, escapes resolved."""
    key, i, n = [], 0, len(line)
    while i < n and line[i] not in "=: \t\f":
        if line[i] == "\\" and i + 1 < n:  # an escaped separator belongs to the key
            key.append(line[i])
            i += 1
        key.append(line[i])
        i += 1
    while i < n and line[i] in " \t\f":
        i += 1
    if i < n and line[i] in "=:":
        i += 1
    while i < n and line[i] in " \t\f":
        i += 1
    return _unescape("".join(key)), _unescape(line[i:])


def _unescape(text):
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def client_config(config):
    """librdkafka properties from a dict or a ``client.properties`` path (Java or librdkafka names).

    Keys librdkafka shares with Java (bootstrap.servers, security.protocol, sasl.mechanism,
    client.id, ssl.key.password, ssl.keystore.location/password for PKCS#12, request.timeout.ms,
    ...) pass through unchanged, as do librdkafka's own keys; librdkafka rejects names it does not
    know. Translated: ``sasl.jaas.config`` (PLAIN and SCRAM login modules) to sasl.username and
    sasl.password; ``ssl.truststore.location`` with ``ssl.truststore.type=PEM`` to ssl.ca.location;
    ``ssl.keystore.type=PEM`` to ssl.certificate.location and ssl.key.location;
    ``ssl.truststore.certificates``, ``ssl.keystore.certificate.chain`` and ``ssl.keystore.key``
    to ssl.ca.pem, ssl.certificate.pem and ssl.key.pem; an empty
    ``ssl.endpoint.identification.algorithm`` to ``none``. Serializer classes are dropped. JKS
    stores and OAUTHBEARER login modules are refused with a message.
    """
    props = load_properties(config) if isinstance(config, (str, os.PathLike)) else dict(config)
    out = {}
    truststore_type = str(props.get("ssl.truststore.type", "JKS")).upper()
    keystore_type = str(props.get("ssl.keystore.type", "JKS")).upper()
    for key, value in props.items():
        if key in _JAVA_ONLY:
            continue
        if key == "sasl.jaas.config":
            if "OAuthBearerLoginModule" in value:
                raise ValueError(
                    "sasl.jaas.config: OAUTHBEARER is not translated; set librdkafka's"
                    " sasl.oauthbearer.* properties instead"
                )
            options = dict(_JAAS.findall(value))
            for option, target in (("username", "sasl.username"), ("password", "sasl.password")):
                if option in options:
                    out[target] = options[option].replace('\\"', '"').replace("\\\\", "\\")
        elif key == "ssl.truststore.location":
            if truststore_type != "PEM":
                raise ValueError(
                    "ssl.truststore.location: librdkafka reads PEM CA files only; convert the %s"
                    " truststore to PEM and set ssl.truststore.type=PEM" % truststore_type
                )
            out["ssl.ca.location"] = value
        elif key == "ssl.truststore.password":
            continue  # a PEM truststore has none
        elif key == "ssl.keystore.location":
            if keystore_type == "PEM":
                out["ssl.certificate.location"] = value
                out["ssl.key.location"] = value
            elif keystore_type == "PKCS12":
                out[key] = value
            else:
                raise ValueError(
                    "ssl.keystore.location: librdkafka reads PKCS12 or PEM keystores, not "
                    + keystore_type
                )
        elif key == "ssl.truststore.certificates":
            out["ssl.ca.pem"] = value
        elif key == "ssl.keystore.certificate.chain":
            out["ssl.certificate.pem"] = value
        elif key == "ssl.keystore.key":
            out["ssl.key.pem"] = value
        elif key == "ssl.endpoint.identification.algorithm" and str(value).strip() == "":
            out[key] = "none"
        else:
            out[key] = value
    if "bootstrap.servers" not in out:
        raise ValueError("Kafka configuration lacks bootstrap.servers")
    return out


def publish(config, records, topic="images", schemas=None, timeout=60.0):
    """Publishes ImageRecords (dicts, see :func:`encode_image_record`; an optional ``key``, else
    the id, keys the Kafka record) and waits until the broker has acknowledged them all.

    Idempotent, acks=all, lz4, like the project's Java publisher; ``config`` may override those.
    Returns the number acknowledged; raises :class:`PublishError` if any delivery failed or did
    not finish within ``timeout`` seconds.
    """
    from confluent_kafka import Producer

    conf = {"enable.idempotence": True, "acks": "all", "compression.type": "lz4", "linger.ms": 5}
    conf.update(client_config(config))
    producer = Producer(conf)
    failures = []
    acked = [0]

    def on_delivery(err, msg):
        if err is not None:
            failures.append((msg.key(), err))
        else:
            acked[0] += 1

    sent = 0
    for record in records:
        value = encode_image_record(record, schemas)
        key = record.get("key", record["id"])
        while True:
            try:
                producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: let deliveries drain
                producer.poll(0.5)
        sent += 1
        producer.poll(0)
    left = producer.flush(timeout)
    if failures or left:
        raise PublishError(sent, failures, left, timeout)
    return acked[0]


@dataclass(frozen=True)
class Output:
    """One record read from an output topic.

    ``kind`` is the record name (``Prediction``, ``Embedding`` or ``DeadLetter``), ``value`` the
    decoded record as a dict, ``headers`` a dict of str to bytes, ``timestamp`` Kafka's (ms).
    """

    kind: str
    value: dict
    topic: str
    partition: int
    offset: int
    key: bytes
    headers: dict
    timestamp: int


class Subscription:
    """An iterable of :class:`Output` over one consumer; close it (or use ``with``) when done.

    Iteration ends after ``idle_timeout`` seconds without a record (None: never). A value not
    single-object encoded with a known schema raises :class:`WireFormatError`; fatal Kafka errors
    (and unknown topics, authorization and authentication failures) raise KafkaException; other
    errors are transient and librdkafka retries them.
    """

    def __init__(self, config, topics, group, from_beginning, idle_timeout, schemas):
        from confluent_kafka import Consumer, KafkaError

        self._raise = {
            KafkaError.UNKNOWN_TOPIC_OR_PART,
            KafkaError.TOPIC_AUTHORIZATION_FAILED,
            KafkaError.GROUP_AUTHORIZATION_FAILED,
            KafkaError.SASL_AUTHENTICATION_FAILED,
            KafkaError._AUTHENTICATION,
        }
        conf = {
            "group.id": group or "inception-stream-python-" + uuid.uuid4().hex,
            "auto.offset.reset": "earliest" if from_beginning else "latest",
            "enable.auto.commit": group is not None,
        }
        conf.update(client_config(config))
        self._schemas = _schemas(schemas)
        self._idle = idle_timeout
        self._consumer = Consumer(conf)
        self._consumer.subscribe(list(topics))
        self._closed = False

    def __iter__(self):
        from confluent_kafka import KafkaException

        last = time.monotonic()
        while not self._closed:
            msg = self._consumer.poll(0.5)
            if msg is None:
                if self._idle is not None and time.monotonic() - last >= self._idle:
                    return
                continue
            err = msg.error()
            if err is not None:
                if err.fatal() or err.code() in self._raise:
                    raise KafkaException(err)
                continue
            last = time.monotonic()
            kind, value = decode(msg.value(), self._schemas)
            yield Output(
                kind=kind,
                value=value,
                topic=msg.topic(),
                partition=msg.partition(),
                offset=msg.offset(),
                key=msg.key(),
                headers=dict(msg.headers() or []),
                timestamp=msg.timestamp()[1],
            )

    def close(self):
        """Leaves the group and closes the consumer."""
        if not self._closed:
            self._closed = True
            self._consumer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def subscribe(
    config, topics=OUTPUT_TOPICS, group=None, from_beginning=True, idle_timeout=None, schemas=None
):
    """Reads predictions, embeddings and dead letters (the worker's default topic names).

    Without ``group``, a fresh group that commits nothing (a tail, like ``kcat -C``); with one,
    offsets are committed automatically. ``from_beginning`` applies where the group has no
    committed offset.
    """
    return Subscription(config, topics, group, from_beginning, idle_timeout, schemas)


def _main(argv):
    if len(argv) >= 2 and argv[0] == "fingerprint":
        for path in argv[1:]:
            with open(path, encoding="utf-8") as f:
                form = canonical_form(f.read())
            print("%016x %s %s" % (crc64_avro(form.encode("utf-8")), path, form))
        return 0
    print("usage: inception_stream.py fingerprint SCHEMA.avsc...\n"
          "  prints each schema's fingerprint (hex, as docs/schemas.md), path and canonical form",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
