#!/usr/bin/env python3
"""Sample Switchyard process connector in plain Python (standard library only).

It speaks connector protocol version 1 (docs/connector-protocol.md) for the same fictional legacy warehouse as
connectors/sample-inventory: the inventory is a JSON Lines export, one item per line, e.g.
{"sku": "A-100", "name": "Bolt", "quantity": 12, "updated_at": "2024-05-01T10:00:00Z"}.
"""

import json
import os
import sys

SUPPORTED_VERSIONS = [1]
COMMANDS = ("spec", "check", "discover", "read", "write")
ITEM_SCHEMA = {
    "type": "object",
    "required": ["sku", "quantity"],
    "properties": {
        "sku": {"type": "string"},
        "name": {"type": "string"},
        "quantity": {"type": "integer"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}


class ProtocolError(Exception):
    """The platform's input breaks the protocol (exit status 2)."""


def send(message):
    # One message per line, flushed at once: the platform acts on every ACK and STATE as it arrives.
    sys.stdout.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Input:
    """stdin as numbered messages."""

    def __init__(self, stream):
        self.stream = stream
        self.line = 0

    def next(self):
        while True:
            text = self.stream.readline()
            if text == "":
                return None
            self.line += 1
            if text.strip() == "":
                continue
            try:
                message = json.loads(text)
            except ValueError as error:
                raise ProtocolError("line %d: not a JSON message (%s)" % (self.line, error))
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise ProtocolError("line %d: a message must be a JSON object with a string 'type'" % self.line)
            return message


def negotiate(messages):
    hello = messages.next()
    if hello is None or hello["type"] != "HELLO":
        raise ProtocolError("line %d: expected HELLO as the first message" % messages.line)
    common = [v for v in hello.get("versions", []) if v in SUPPORTED_VERSIONS]
    if not common:
        raise ProtocolError("line %d: no common protocol version: the platform speaks %s, this connector %s"
                            % (messages.line, hello.get("versions"), SUPPORTED_VERSIONS))
    send({"type": "PROTOCOL", "version": max(common)})


def read_header(command, messages):
    header = {"config": None, "catalog": None, "state": [], "first_record": None, "end": None}
    while True:
        message = messages.next()
        if message is None:
            raise ProtocolError("stdin ended after line %d without END" % messages.line)
        kind = message["type"]
        if kind == "CONFIG" and command != "spec" and header["config"] is None:
            header["config"] = message.get("config")
        elif kind == "CATALOG" and command == "read" and header["catalog"] is None:
            header["catalog"] = message
        elif kind == "STATE" and command == "read":
            header["state"].append(message)
        elif kind == "RECORD" and command == "write":
            header["first_record"] = message
            return header
        elif kind == "END":
            header["end"] = message.get("count")
            break
        else:
            raise ProtocolError("line %d: %s is not expected here during '%s'" % (messages.line, kind, command))
    if command != "spec" and not isinstance(header["config"], dict):
        raise ProtocolError("line %d: CONFIG is required before END" % messages.line)
    if command == "read" and header["catalog"] is None:
        raise ProtocolError("line %d: CATALOG is required before END" % messages.line)
    return header


def config_path(config, field):
    value = config.get(field)
    if not isinstance(value, str):
        raise ValueError("config/%s: is required (a string)" % field)
    return value


def items(path):
    with open(path, encoding="utf-8") as export:
        for number, text in enumerate(export, start=1):
            if text.strip():
                yield number, text


def spec():
    send({"type": "SPEC", "documentation": "README.md", "config_schema": {
        "type": "object", "required": ["path"],
        "properties": {"path": {"type": "string"}, "output_path": {"type": "string"}}}})
    return 0


def check(config):
    try:
        path = config_path(config, "path")
        with open(path, "rb"):
            pass
    except (OSError, ValueError) as error:
        send({"type": "CHECK_RESULT", "status": "failed",
              "message": "no readable inventory file at %s" % config.get("path") if isinstance(error, OSError)
              else str(error)})
        return 0
    send({"type": "CHECK_RESULT", "status": "ok", "message": "inventory file %s is readable" % path})
    return 0


def discover(config):
    endpoint = {"name": "items", "schema": ITEM_SCHEMA, "primary_key": ["sku"]}
    send({"type": "CATALOG", "streams": [dict(endpoint, cursor="updated_at")], "actions": [endpoint]})
    return 0


def read(config, catalog, states):
    path = config_path(config, "path")
    if not any(stream.get("name") == "items" for stream in catalog.get("streams", [])):
        send({"type": "LOG", "level": "warning", "message": "the catalog asks for no known stream; nothing to read"})
        return 0
    since = None
    for state in states:
        if state.get("stream") == "items" and isinstance(state.get("data"), dict):
            since = state["data"].get("cursor")
    newest, emitted = since, 0
    for number, text in items(path):
        try:
            item = json.loads(text)
        except ValueError:
            item = None
        if not isinstance(item, dict) or not isinstance(item.get("sku"), str):
            send({"type": "ERROR", "key": "line %d" % number,
                  "message": "%s line %d: not an item with a string sku" % (path, number)})
            continue
        updated = item.get("updated_at") or ""
        if since is not None and updated <= since:
            continue
        send({"type": "RECORD", "stream": "items", "key": item["sku"], "data": item})
        emitted += 1
        if updated > (newest or ""):
            newest = updated
    send({"type": "LOG", "level": "info", "message": "read %d changed items from %s" % (emitted, path)})
    if newest is not None:
        send({"type": "STATE", "stream": "items", "data": {"cursor": newest}})
    return emitted


def write(config, messages, first_record, end):
    output_path = config.get("output_path")
    if not isinstance(output_path, str):
        raise ValueError("config/output_path: is required for write")
    line = 0
    if os.path.exists(output_path):
        with open(output_path, encoding="utf-8") as existing:
            line = sum(1 for _ in existing)
    seen, acked = set(), 0
    record = first_record
    with open(output_path, "a", encoding="utf-8") as output:
        while record is not None or end is None:
            if record is None:
                message = messages.next()
                if message is None:
                    raise ProtocolError("stdin ended after line %d without END" % messages.line)
                if message["type"] == "END":
                    end = message.get("count")
                    break
                if message["type"] != "RECORD":
                    raise ProtocolError("line %d: %s is not expected among the records of 'write'"
                                        % (messages.line, message["type"]))
                record = message
            key = record.get("key")
            if not isinstance(key, str) or key == "" or key in seen or "action" not in record:
                raise ProtocolError("line %d: RECORD needs an 'action' and a unique 'key'" % messages.line)
            seen.add(key)
            data = record.get("data")
            if not isinstance(data, dict) or not isinstance(data.get("sku"), str):
                send({"type": "ACK", "key": key, "status": "failed", "error": "an item needs a string 'sku'"})
            else:
                output.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
                output.flush()
                os.fsync(output.fileno())  # durable before acknowledged
                line += 1
                send({"type": "ACK", "key": key, "status": "ok", "destination_id": "%s:%d" % (output_path, line)})
            acked += 1
            record = None
    if end != len(seen):
        raise ProtocolError("END says %s records were sent, %d arrived" % (end, len(seen)))
    return acked


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        got = repr(argv[1]) if len(argv) > 1 else "nothing"
        print("usage: connector.py spec|check|discover|read|write (got %s)" % got, file=sys.stderr)
        send({"type": "ERROR", "message": "argv[1] must be spec, check, discover, read or write, got %s" % got})
        return 2
    command = argv[1]
    messages = Input(sys.stdin)
    try:
        negotiate(messages)
        header = read_header(command, messages)
    except ProtocolError as error:
        send({"type": "ERROR", "message": "%s: %s" % (command, error)})
        return 2
    config = header["config"] or {}
    try:
        if command == "spec":
            count = spec()
        elif command == "check":
            count = check(config)
        elif command == "discover":
            count = discover(config)
        elif command == "read":
            count = read(config, header["catalog"], header["state"])
        else:
            count = write(config, messages, header["first_record"], header["end"])
    except ProtocolError as error:
        send({"type": "ERROR", "message": "%s: %s" % (command, error)})
        return 2
    except Exception as error:  # the command failed: one ERROR, exit 1, no END
        send({"type": "ERROR", "message": "%s: %s" % (command, error)})
        return 1
    send({"type": "END", "count": count})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
