#!/usr/bin/env python3
"""A fake Modal control plane for pushgate's tests: gRPC (plaintext HTTP/2, h2c) on loopback, speaking the
few `modal.client.ModalClient` methods pushgate's Modal provider uses, with hand-decoded protobuf and the
field numbers of docs/provider-apis.md §5.3 (the same numbers and assumptions as Sources/PushgateProviders/Modal/
ModalMessages.swift).

It checks credentials the way Modal does (§5.2): `x-modal-token-id` / `x-modal-token-secret` on every call,
plus an `x-modal-auth-token` from AuthTokenGet on every other call; anything else is UNAUTHENTICATED. A
sandbox walks pending -> running -> finished on a timer; the command decides the result ("exit N" exits N,
"sleep N" runs N seconds, "fake-status=NAME" ends with that GenericStatus). SandboxTerminate ends it as
TERMINATED; a duplicate sandbox name in an app is ALREADY_EXISTS. With --status-not-found N, SandboxWait and
SandboxGetTaskId answer NOT_FOUND for a sandbox that runs on (N answers per sandbox, -1 for good, after
--status-not-found-after normal reads), and with --list-hides-not-found SandboxList leaves it out meanwhile.
Counters and every sandbox are written as JSON to --stats-file after each call, so tests can check exactly one
workload per run.

Usage: fake_modal_server.py --port 0 --token-id ak-x --token-secret as-y --stats-file /tmp/s.json
Prints "PORT <n>" on stdout once it serves. Needs grpcio (pip install grpcio); no generated code.
"""
import argparse
import base64
import json
import os
import random
import signal
import struct
import sys
import threading
import time
from concurrent import futures

import grpc

SERVICE = "modal.client.ModalClient"

# GenericResult.GenericStatus
STATUS = {"UNSPECIFIED": 0, "SUCCESS": 1, "FAILURE": 2, "TERMINATED": 3, "TIMEOUT": 4, "INIT_FAILURE": 5,
          "INTERNAL_FAILURE": 6, "IDLE_TIMEOUT": 7, "MEMORY_MANAGER_EVICTION": 8,
          "MEMORY_THRASHING_EVICTION": 9, "KERNEL_OOM_KILL": 10}


# ---------------------------------------------------------------------------------------------- protobuf

def read_varint(data, i):
    result = shift = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated varint")
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def decode(data):
    """field number -> list of raw values (int for varint/fixed, bytes for length-delimited)."""
    fields = {}
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 1:
            value = data[i:i + 8]; i += 8
        elif wire == 2:
            length, i = read_varint(data, i)
            value = data[i:i + length]; i += length
        elif wire == 5:
            value = data[i:i + 4]; i += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        fields.setdefault(number, []).append(value)
    return fields


def f_str(fields, n, default=""):
    return fields[n][-1].decode() if n in fields else default


def f_strs(fields, n):
    return [v.decode() for v in fields.get(n, [])]


def f_int(fields, n, default=0):
    return fields[n][-1] if n in fields else default


def f_msg(fields, n):
    return decode(b"".join(fields[n])) if n in fields else None


def f_float(fields, n):
    return struct.unpack("<f", fields[n][-1])[0] if n in fields else None


def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def e_tag(n, wire):
    return varint(n << 3 | wire)


def e_str(n, s):
    b = s.encode() if isinstance(s, str) else s
    return e_tag(n, 2) + varint(len(b)) + b if b else b""


def e_int(n, v):
    return e_tag(n, 0) + varint(v) if v else b""


def e_double(n, v):
    return e_tag(n, 1) + struct.pack("<d", v) if v else b""


def e_msg(n, body):
    return e_tag(n, 2) + varint(len(body)) + body


def generic_result(status, exitcode=0, exception=""):
    return e_int(1, status) + e_str(2, exception) + e_int(3, exitcode)


def tags_of(fields, n):
    return {f_str(t, 1): f_str(t, 2) for t in (decode(b) for b in fields.get(n, []))}


# ---------------------------------------------------------------------------------------------- state

class Abort(Exception):
    def __init__(self, code, message, retry_after=None):
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after


class FakeModal:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.random = random.Random(args.seed)
        self.counter = 0
        self.tokens = set()
        self.apps = {}            # (environment, name) -> app id
        self.images = {}          # dockerfile commands tuple -> {"id", "ready_at", "fail"}
        self.images_by_id = {}
        self.secrets = {}         # secret id -> {"name", "env"}
        self.named_secrets = {name: self.new_id("st") for name in args.secret}
        for name, sid in self.named_secrets.items():
            self.secrets[sid] = {"name": name, "env": {}}
        self.sandboxes = {}       # id -> dict
        self.names = {}           # (app id, name) -> sandbox id
        self.stats = {"sandboxes_created": 0, "sandbox_create_calls": 0, "calls": {}, "unauthenticated": 0,
                      "injected_faults": 0, "attempts": [], "terminate_calls": 0,
                      "status_not_found": 0, "peak_running": 0}
        self.fail_first = args.fail_first
        self.exhausted_first = args.exhausted_first
        self.create_then_unavailable = args.create_then_unavailable

    def new_id(self, prefix):
        self.counter += 1
        return "%s-%06d" % (prefix, self.counter)

    def write_stats(self):
        if not self.args.stats_file:
            return
        snapshot = dict(self.stats)
        snapshot["sandboxes"] = [
            {k: v for k, v in sb.items() if k not in ("created_mono", "status_reads", "not_found_given")}
            for sb in self.sandboxes.values()]
        snapshot["secrets"] = {sid: s for sid, s in self.secrets.items()}
        tmp = self.args.stats_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(snapshot, f, indent=1, sort_keys=True)
        os.replace(tmp, self.args.stats_file)

    # -- auth and faults ---------------------------------------------------------------------------

    def check(self, method, metadata):
        md = dict(metadata)
        self.stats["calls"][method] = self.stats["calls"].get(method, 0) + 1
        self.stats["attempts"].append([method, md.get("x-retry-attempt"), md.get("x-throttle-retry-attempt"),
                                       md.get("x-idempotency-key")])
        if md.get("x-modal-token-id") != self.args.token_id or md.get("x-modal-token-secret") != self.args.token_secret:
            self.stats["unauthenticated"] += 1
            raise Abort(grpc.StatusCode.UNAUTHENTICATED, "invalid token id or secret")
        for header in ("x-modal-client-type", "x-modal-client-version", "x-idempotency-key", "x-retry-attempt"):
            if header not in md:
                raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "missing %s metadata" % header)
        if method == "AuthTokenGet":
            return
        if md.get("x-modal-auth-token") not in self.tokens:
            self.stats["unauthenticated"] += 1
            raise Abort(grpc.StatusCode.UNAUTHENTICATED, "missing or unknown auth token")
        if self.fail_first > 0:
            self.fail_first -= 1
            self.stats["injected_faults"] += 1
            raise Abort(grpc.StatusCode.UNAVAILABLE, "injected: service unavailable")
        if self.exhausted_first > 0:
            self.exhausted_first -= 1
            self.stats["injected_faults"] += 1
            raise Abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "injected: rate limit", self.args.retry_after)
        roll = self.random.random()
        if roll < self.args.unavailable_share:
            self.stats["injected_faults"] += 1
            raise Abort(grpc.StatusCode.UNAVAILABLE, "injected: service unavailable")
        if roll < self.args.unavailable_share + self.args.exhausted_share:
            self.stats["injected_faults"] += 1
            raise Abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "injected: rate limit", self.args.retry_after)

    # -- sandbox life ----------------------------------------------------------------------------------

    def command_plan(self, args):
        text = " ".join(args)
        words = text.replace(";", " ").replace("&&", " ").split()
        run = self.args.run_seconds
        exitcode, status = 0, None
        for i, word in enumerate(words):
            if word == "sleep" and i + 1 < len(words):
                try:
                    run = float(words[i + 1])
                except ValueError:
                    pass
            if word == "exit" and i + 1 < len(words):
                try:
                    exitcode = int(words[i + 1])
                except ValueError:
                    pass
            if word.startswith("fake-status="):
                status = STATUS.get(word.split("=", 1)[1], 99)
        return run, exitcode, status

    def phase(self, sb):
        """(started, result bytes or None)"""
        if sb["terminated"]:
            return True, generic_result(STATUS["TERMINATED"], 137, "terminated by SandboxTerminate")
        age = time.monotonic() - sb["created_mono"]
        pending = self.args.pending_seconds
        run, exitcode, status = self.command_plan(sb["args"])
        timeout = sb["timeout_secs"] or 300
        if age < pending:
            return False, None
        if run > timeout and age >= pending + timeout:
            return True, generic_result(STATUS["TIMEOUT"], 0, "sandbox timed out after %ds" % timeout)
        if age < pending + run:
            return True, None
        if status is not None:
            return True, generic_result(status, exitcode, "fake status %d" % status)
        if exitcode == 0:
            return True, generic_result(STATUS["SUCCESS"], 0)
        return True, generic_result(STATUS["FAILURE"], exitcode, "process exited with status %d" % exitcode)

    def window_open(self, sb):
        """Whether the sandbox's status reads are inside their NOT_FOUND window (--status-not-found)."""
        limit = self.args.status_not_found
        if limit == 0 or sb["status_reads"] < self.args.status_not_found_after:
            return False
        return limit < 0 or sb["not_found_given"] < limit

    def status_read(self, sb):
        """Counts one status read; raises NOT_FOUND inside the window, as Modal may for a sandbox that runs on."""
        if self.window_open(sb):
            sb["status_reads"] += 1
            sb["not_found_given"] += 1
            self.stats["status_not_found"] += 1
            raise Abort(grpc.StatusCode.NOT_FOUND, "sandbox %s not found" % sb["id"])
        sb["status_reads"] += 1

    def live_count(self):
        return sum(1 for sb in self.sandboxes.values() if self.phase(sb)[1] is None)

    # -- RPCs --------------------------------------------------------------------------------------------

    def AuthTokenGet(self, req, md):
        now = int(time.time())
        payload = base64.urlsafe_b64encode(json.dumps({"exp": now + 1200}).encode()).rstrip(b"=").decode()
        token = "eyJhbGciOiJub25lIn0.%s.%s" % (payload, self.new_id("sig"))
        self.tokens.add(token)
        return e_str(1, token)

    def AppGetOrCreate(self, req, md):
        name, env, creation = f_str(req, 1), f_str(req, 2), f_int(req, 3)
        if not name:
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "app_name is required")
        key = (env, name)
        if key not in self.apps:
            if creation != 1:
                raise Abort(grpc.StatusCode.NOT_FOUND, "app '%s' not found" % name)
            self.apps[key] = self.new_id("ap")
        return e_str(1, self.apps[key])

    def ImageGetOrCreate(self, req, md):
        image = f_msg(req, 2)
        app_id = f_str(req, 4)
        if image is None or app_id not in self.apps.values():
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "image and a known app_id are required")
        commands = tuple(f_strs(image, 6))
        registry = f_msg(image, 17)
        if not commands or not commands[0].startswith("FROM ") or registry is None or f_int(registry, 1) != 3:
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "expected FROM <image> and a PUBLIC registry config")
        if not f_str(req, 9):
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "builder_version is required")
        if commands not in self.images:
            entry = {"id": self.new_id("im"), "ready_at": time.monotonic() + self.args.build_seconds,
                     "fail": "fail-build" in commands[0], "commands": list(commands)}
            self.images[commands] = entry
            self.images_by_id[entry["id"]] = entry
            return e_str(1, entry["id"])  # no result: still building
        entry = self.images[commands]
        return e_str(1, entry["id"]) + self.image_result(entry)

    def image_result(self, entry):
        if time.monotonic() < entry["ready_at"]:
            return b""
        status = STATUS["FAILURE"] if entry["fail"] else STATUS["SUCCESS"]
        return e_msg(2, generic_result(status, 0, "build failed: fail-build" if entry["fail"] else ""))

    def ImageJoinStreaming(self, req, md):
        entry = self.images_by_id.get(f_str(req, 1))
        if entry is None:
            raise Abort(grpc.StatusCode.NOT_FOUND, "image not found")
        timeout = f_float(req, 2) or 0
        deadline = time.monotonic() + timeout
        out = [e_str(3, "log-1")]  # a log entry without a result
        while time.monotonic() < entry["ready_at"] and time.monotonic() < deadline:
            time.sleep(0.02)
        if time.monotonic() >= entry["ready_at"]:
            status = STATUS["FAILURE"] if entry["fail"] else STATUS["SUCCESS"]
            out.append(e_msg(1, generic_result(status, 0, "build failed: fail-build" if entry["fail"] else "")) + e_str(3, "log-2"))
        return out

    def SecretGetOrCreate(self, req, md):
        creation = f_int(req, 4)
        if creation == 5:
            env = {f_str(e, 1): f_str(e, 2) for e in (decode(b) for b in req.get(5, []))}
            sid = self.new_id("st")
            self.secrets[sid] = {"name": "", "env": env, "app_id": f_str(req, 6)}
            return e_str(1, sid)
        name = f_str(req, 1)
        if name not in self.named_secrets:
            raise Abort(grpc.StatusCode.NOT_FOUND, "Secret '%s' not found" % name)
        return e_str(1, self.named_secrets[name])

    def SandboxCreate(self, req, md):
        self.stats["sandbox_create_calls"] += 1
        app_id = f_str(req, 1)
        definition = f_msg(req, 2)
        if app_id not in self.apps.values() or definition is None:
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "a known app_id and a definition are required")
        args = f_strs(definition, 1)
        image_id = f_str(definition, 3)
        if not args or image_id not in self.images_by_id:
            raise Abort(grpc.StatusCode.INVALID_ARGUMENT, "entrypoint_args and a known image_id are required")
        for sid in f_strs(definition, 4):
            if sid not in self.secrets:
                raise Abort(grpc.StatusCode.NOT_FOUND, "secret %s not found" % sid)
        name = f_str(definition, 30)
        if name and (app_id, name) in self.names:
            raise Abort(grpc.StatusCode.ALREADY_EXISTS, "a sandbox named '%s' already exists in this app" % name)
        resources = f_msg(definition, 5) or {}
        gpu = f_msg(resources, 4) if resources else None
        sandbox_id = self.new_id("sb")
        self.sandboxes[sandbox_id] = {
            "id": sandbox_id, "app_id": app_id, "name": name, "args": args, "image_id": image_id,
            "secret_ids": f_strs(definition, 4), "timeout_secs": f_int(definition, 7),
            "memory_mb": f_int(resources, 2) if resources else 0, "milli_cpu": f_int(resources, 3) if resources else 0,
            "gpu": {"count": f_int(gpu, 2), "type": f_str(gpu, 4)} if gpu else None,
            "tags": tags_of(req, 4), "created_mono": time.monotonic(), "created_at": time.time(), "terminated": False,
            "status_reads": 0, "not_found_given": 0,
        }
        self.stats["peak_running"] = max(self.stats["peak_running"], self.live_count())
        if name:
            self.names[(app_id, name)] = sandbox_id
        self.stats["sandboxes_created"] += 1
        if self.create_then_unavailable > 0:
            self.create_then_unavailable -= 1
            self.stats["injected_faults"] += 1
            raise Abort(grpc.StatusCode.UNAVAILABLE, "injected: connection lost after the create took effect")
        return e_str(1, sandbox_id)

    def SandboxList(self, req, md):
        app_id, include_finished, wanted = f_str(req, 1), f_int(req, 4), tags_of(req, 5)
        out = b""
        for sb in self.sandboxes.values():
            if app_id and sb["app_id"] != app_id:
                continue
            if any(sb["tags"].get(k) != v for k, v in wanted.items()):
                continue
            if self.args.list_hides_not_found and self.window_open(sb):
                continue
            started, result = self.phase(sb)
            if result is not None and not include_finished:
                continue
            task = b""
            if started:
                task = e_str(1, "ta-" + sb["id"]) + e_double(2, sb["created_at"] + self.args.pending_seconds)
                if result is not None:
                    task += e_msg(4, result)
            tags = b"".join(e_msg(6, e_str(1, k) + e_str(2, v)) for k, v in sorted(sb["tags"].items()))
            info = e_str(1, sb["id"]) + e_double(3, sb["created_at"]) + (e_msg(4, task) if started else b"") + tags + e_str(7, sb["name"])
            out += e_msg(1, info)
        return out

    def sandbox(self, req):
        sb = self.sandboxes.get(f_str(req, 1))
        if sb is None:
            raise Abort(grpc.StatusCode.NOT_FOUND, "sandbox %s not found" % f_str(req, 1))
        return sb

    def SandboxWait(self, req, md):
        sb = self.sandbox(req)
        with self.lock:  # SandboxWait runs without the lock (it may wait)
            self.status_read(sb)
        deadline = time.monotonic() + min(f_float(req, 2) or 0, 50)
        while True:
            _, result = self.phase(sb)
            if result is not None or time.monotonic() >= deadline:
                return e_msg(1, result) if result is not None else b""
            time.sleep(0.02)

    def SandboxGetTaskId(self, req, md):
        sb = self.sandbox(req)
        self.status_read(sb)
        started, result = self.phase(sb)
        return (e_str(1, "ta-" + sb["id"]) if started else b"") + (e_msg(2, result) if result is not None else b"")

    def SandboxTerminate(self, req, md):
        sb = self.sandbox(req)
        self.stats["terminate_calls"] += 1
        _, result = self.phase(sb)
        if result is None:
            sb["terminated"] = True
            return b""
        return e_msg(1, result)


# ---------------------------------------------------------------------------------------------- gRPC glue

def status_details(code, message, retry_after):
    policy = e_int(1, int(retry_after))
    any_msg = e_str(1, "type.googleapis.com/modal.client.RPCRetryPolicy") + e_str(2, policy)
    return e_int(1, code.value[0]) + e_str(2, message) + e_msg(3, any_msg)


class Handler(grpc.GenericRpcHandler):
    UNARY = {"AuthTokenGet", "AppGetOrCreate", "ImageGetOrCreate", "SecretGetOrCreate", "SandboxCreate",
             "SandboxList", "SandboxWait", "SandboxGetTaskId", "SandboxTerminate"}
    STREAMING = {"ImageJoinStreaming"}

    def __init__(self, fake):
        self.fake = fake

    def service(self, details):
        prefix = "/%s/" % SERVICE
        if not details.method.startswith(prefix):
            return None
        name = details.method[len(prefix):]
        if name in self.UNARY:
            return grpc.unary_unary_rpc_method_handler(self.unary(name))
        if name in self.STREAMING:
            return grpc.unary_stream_rpc_method_handler(self.streaming(name))
        return None

    def run(self, name, request, context):
        fake = self.fake
        try:
            with fake.lock:
                fake.check(name, context.invocation_metadata())
                req = decode(request)
            # These two may wait: they run without the lock (their state reads are single dict look-ups).
            if name in ("SandboxWait", "ImageJoinStreaming"):
                return getattr(fake, name)(req, context)
            with fake.lock:
                return getattr(fake, name)(req, context)
        except Abort as abort:
            if abort.retry_after is not None:
                context.set_trailing_metadata(
                    (("grpc-status-details-bin", status_details(abort.code, abort.message, abort.retry_after)),))
            context.abort(abort.code, abort.message)
        except ValueError as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "malformed request: %s" % error)
        finally:
            with fake.lock:
                fake.write_stats()

    def unary(self, name):
        def handle(request, context):
            return self.run(name, request, context)
        return handle

    def streaming(self, name):
        def handle(request, context):
            for message in self.run(name, request, context):
                yield message
        return handle


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token-id", required=True)
    parser.add_argument("--token-secret", required=True)
    parser.add_argument("--stats-file")
    parser.add_argument("--secret", action="append", default=[], help="a named Modal Secret that exists")
    parser.add_argument("--pending-seconds", type=float, default=0.3)
    parser.add_argument("--run-seconds", type=float, default=0.5)
    parser.add_argument("--build-seconds", type=float, default=0.2)
    parser.add_argument("--fail-first", type=int, default=0, help="the first N authenticated calls fail UNAVAILABLE")
    parser.add_argument("--exhausted-first", type=int, default=0, help="the next N calls fail RESOURCE_EXHAUSTED")
    parser.add_argument("--create-then-unavailable", type=int, default=0,
                        help="the first N SandboxCreate calls take effect, then answer UNAVAILABLE")
    parser.add_argument("--unavailable-share", type=float, default=0.0)
    parser.add_argument("--exhausted-share", type=float, default=0.0)
    parser.add_argument("--retry-after", type=float, default=1.0, help="RPCRetryPolicy.retry_after_secs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--status-not-found", type=int, default=0,
                        help="SandboxWait/SandboxGetTaskId answer NOT_FOUND this many times per running sandbox (-1: for good)")
    parser.add_argument("--status-not-found-after", type=int, default=0,
                        help="status reads per sandbox answered normally before the NOT_FOUND answers start")
    parser.add_argument("--list-hides-not-found", action="store_true",
                        help="SandboxList leaves a sandbox out while its status reads answer NOT_FOUND")
    args = parser.parse_args()

    # A parent may start us with SIGTERM blocked (the mask survives exec): unblock it and stop cleanly on it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parent = os.getppid()

    def watch_parent():
        # Exit when the test process that started us is gone, so no fake outlives a killed test run.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    fake = FakeModal(args)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((Handler(fake),))
    port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    with fake.lock:
        fake.write_stats()
    print("PORT %d" % port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(0)


if __name__ == "__main__":
    main()
