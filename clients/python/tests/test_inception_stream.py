"""Unit tests of inception_stream that need no broker (run by PythonClientTest, or alone:
``/usr/bin/python3 -m unittest discover -s clients/python/tests``)."""

import datetime
import io
import os
import re
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import avro.io  # noqa: E402
import avro.schema  # noqa: E402

import inception_stream as isc  # noqa: E402

SCHEMAS = os.path.join(ROOT, "schemas")


def schema_files():
    files = []
    for sub in ("", "history"):
        d = os.path.join(SCHEMAS, sub)
        files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".avsc")]
    return files


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class SchemaFilesTest(unittest.TestCase):
    def test_every_file_parses_alone_with_debians_python3_avro(self):
        files = schema_files()
        self.assertEqual(5, len(files), files)
        for path in files:
            with self.subTest(path=path):
                parsed = avro.schema.parse(read(path))
                self.assertEqual("record", parsed.type)

    def test_fingerprints_are_those_docs_schemas_md_lists(self):
        # docs/schemas.md is generated from Avro Java's SchemaNormalization (SchemaDocsTest).
        rows = re.findall(r"\| `(schemas/[^`]+)` \| \w+ \| `([0-9a-f]{16})` \|",
                          read(os.path.join(ROOT, "docs", "schemas.md")))
        self.assertEqual(len(schema_files()), len(rows), rows)
        for path, hex_fp in rows:
            with self.subTest(path=path):
                self.assertEqual(hex_fp, "%016x" % isc.fingerprint(read(os.path.join(ROOT, path))))

    def test_the_schema_set_knows_every_version_and_the_current_input(self):
        schemas = isc.Schemas(SCHEMAS)
        self.assertEqual(5, len(schemas.by_fingerprint))
        fp, current = schemas.current("ImageRecord")
        self.assertEqual(isc.fingerprint(read(os.path.join(SCHEMAS, "ImageRecord.avsc"))), fp)
        self.assertIn("timestamp", [f.name for f in current.fields])


class CanonicalFormTest(unittest.TestCase):
    def test_crc64_avro_of_nothing_is_the_initial_value(self):
        self.assertEqual(0xC15D213AA4D7A795, isc.crc64_avro(b""))

    def test_primitives_and_logical_types_become_plain_names(self):
        self.assertEqual('"int"', isc.canonical_form('"int"'))
        self.assertEqual('"long"', isc.canonical_form('{"type": "long", "logicalType": "timestamp-millis"}'))
        self.assertEqual('["null","long"]',
                         isc.canonical_form('["null", {"type": "long", "logicalType": "timestamp-millis"}]'))

    def test_keeps_only_the_parsing_attributes_in_their_order(self):
        schema = """{"doc": "d", "fields": [{"default": 1, "type": "int", "name": "a", "doc": "x"}],
                     "namespace": "n.s", "name": "R", "type": "record", "aliases": ["Q"]}"""
        self.assertEqual('{"name":"n.s.R","type":"record","fields":[{"name":"a","type":"int"}]}',
                         isc.canonical_form(schema))

    def test_a_named_type_is_written_once_then_referred_to_by_full_name(self):
        schema = """{"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
            {"name": "p", "type": {"type": "record", "name": "Pos", "fields": [{"name": "o", "type": "long"}]}},
            {"name": "q", "type": "Pos"},
            {"name": "e", "type": {"type": "enum", "name": "x.E", "symbols": ["A", "B"], "default": "A"}},
            {"name": "f", "type": {"type": "fixed", "name": "F", "namespace": "", "size": 4}},
            {"name": "g", "type": {"type": "array", "items": "x.E"}},
            {"name": "h", "type": {"type": "map", "values": "F"}}]}"""
        self.assertEqual(
            '{"name":"a.b.Outer","type":"record","fields":['
            '{"name":"p","type":{"name":"a.b.Pos","type":"record","fields":[{"name":"o","type":"long"}]}},'
            '{"name":"q","type":"a.b.Pos"},'
            '{"name":"e","type":{"name":"x.E","type":"enum","symbols":["A","B"]}},'
            '{"name":"f","type":{"name":"F","type":"fixed","size":4}},'
            '{"name":"g","type":{"type":"array","items":"x.E"}},'
            '{"name":"h","type":{"type":"map","values":"F"}}]}',
            isc.canonical_form(schema))

    def test_an_unknown_name_is_an_error(self):
        with self.assertRaises(isc.WireFormatError):
            isc.canonical_form('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "Nope"}]}')


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


class WireFormatTest(unittest.TestCase):
    def test_an_image_record_is_header_fingerprint_and_body(self):
        value = isc.encode_image_record({"id": "cat-1", "image": PNG, "encoding": "PNG",
                                         "attributes": {"label": "star"}, "timestamp": 1_700_000_000_123})
        fp = isc.fingerprint(read(os.path.join(SCHEMAS, "ImageRecord.avsc")))
        self.assertEqual(b"\xc3\x01" + struct.pack("<Q", fp), value[:10])
        name, record = isc.decode(value)
        self.assertEqual("ImageRecord", name)
        self.assertEqual("cat-1", record["id"])
        self.assertEqual(PNG, record["image"])
        self.assertEqual("PNG", record["encoding"])
        self.assertEqual({"label": "star"}, record["attributes"])
        self.assertIsNone(record["width"])
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        self.assertEqual(1_700_000_000_123, (record["timestamp"] - epoch) // datetime.timedelta(milliseconds=1))

    def test_the_body_is_exactly_the_avro_binary_encoding_byte_by_byte(self):
        value = isc.encode_image_record({"id": "x", "image": b"ab", "width": 3, "height": 2,
                                         "encoding": "RAW_RGB8"})
        # id "x"; image 2 bytes; enum index 5; width union branch 1, zig-zag 3; height; empty map;
        # timestamp null branch.
        self.assertEqual(b"\x02x\x04ab\x0a\x02\x06\x02\x04\x00\x00", value[10:])

    def test_unknown_fields_are_refused(self):
        with self.assertRaises(ValueError):
            isc.encode_image_record({"id": "x", "image": b"", "colour": "red"})

    def test_values_written_with_version_one_decode(self):
        v1_text = read(os.path.join(SCHEMAS, "history", "ImageRecord-v1.avsc"))
        v1 = avro.schema.parse(v1_text)
        body = io.BytesIO()
        avro.io.DatumWriter(v1).write({"id": "old", "image": PNG, "encoding": "AUTO", "width": None,
                                       "height": None}, avro.io.BinaryEncoder(body))
        value = b"\xc3\x01" + struct.pack("<Q", isc.fingerprint(v1_text)) + body.getvalue()
        name, record = isc.decode(value)
        self.assertEqual(("ImageRecord", "old"), (name, record["id"]))
        self.assertNotIn("attributes", record)

    def test_garbage_and_unknown_fingerprints_are_wire_format_errors(self):
        with self.assertRaisesRegex(isc.WireFormatError, "single-object"):
            isc.decode(b"plain text, not avro")
        value = bytearray(isc.encode_image_record({"id": "x", "image": PNG}))
        value[2] ^= 0x01
        with self.assertRaisesRegex(isc.WireFormatError, "fingerprint [0-9a-f]{16}"):
            isc.decode(bytes(value))
        whole = isc.encode_image_record({"id": "x", "image": PNG})
        with self.assertRaisesRegex(isc.WireFormatError, "ImageRecord body does not decode"):
            isc.decode(whole[:14])


class ConfigTest(unittest.TestCase):
    def properties(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False, encoding="utf-8") as f:
            f.write(text)
        self.addCleanup(os.remove, f.name)
        return f.name

    def test_reads_java_properties_syntax(self):
        path = self.properties(
            "# a comment\n"
            "! another\n"
            "\n"
            "bootstrap.servers = kafka-1:9092,\\\n"
            "    kafka-2:9092\n"
            "client.id: python-1\n"
            "group.id   spaced\n"
            "ssl.ca.location=C:\\\\certs\\\\ca.pem\n"
            "odd\\=key=v\\u00e9\n"
            "empty=\n"
        )
        self.assertEqual({
            "bootstrap.servers": "kafka-1:9092,kafka-2:9092",
            "client.id": "python-1",
            "group.id": "spaced",
            "ssl.ca.location": "C:\\certs\\ca.pem",
            "odd=key": "v\u00e9",
            "empty": "",
        }, isc.load_properties(path))

    def test_translates_the_java_names_librdkafka_spells_differently(self):
        path = self.properties(
            "bootstrap.servers=k:9093\n"
            "security.protocol=SASL_SSL\n"
            "sasl.mechanism=SCRAM-SHA-512\n"
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
            "username=\"alice\" password=\"p\\\\\"w=d\";\n"
            "ssl.truststore.type=PEM\n"
            "ssl.truststore.location=/etc/ca.pem\n"
            "ssl.endpoint.identification.algorithm=\n"
            "key.serializer=org.apache.kafka.common.serialization.ByteArraySerializer\n"
        )
        self.assertEqual({
            "bootstrap.servers": "k:9093",
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": "alice",
            "sasl.password": 'p"w=d',
            "ssl.ca.location": "/etc/ca.pem",
            "ssl.endpoint.identification.algorithm": "none",
        }, isc.client_config(path))

    def test_plain_login_and_pem_keystores(self):
        self.assertEqual({
            "bootstrap.servers": "k:9092",
            "sasl.username": "u",
            "sasl.password": "p",
            "ssl.certificate.location": "/k.pem",
            "ssl.key.location": "/k.pem",
            "linger.ms": "1",
        }, isc.client_config({
            "bootstrap.servers": "k:9092",
            "sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required'
                                ' username="u" password="p";',
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": "/k.pem",
            "linger.ms": "1",
        }))

    def test_refuses_what_librdkafka_cannot_read(self):
        with self.assertRaisesRegex(ValueError, "PEM"):
            isc.client_config({"bootstrap.servers": "k:1", "ssl.truststore.location": "/t.jks"})
        with self.assertRaisesRegex(ValueError, "JKS"):
            isc.client_config({"bootstrap.servers": "k:1", "ssl.keystore.location": "/k.jks"})
        with self.assertRaisesRegex(ValueError, "OAUTHBEARER"):
            isc.client_config({"bootstrap.servers": "k:1", "sasl.jaas.config":
                               "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"})
        with self.assertRaisesRegex(ValueError, "bootstrap.servers"):
            isc.client_config({"client.id": "x"})


if __name__ == "__main__":
    unittest.main()
