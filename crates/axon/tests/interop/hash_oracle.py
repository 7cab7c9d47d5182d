"""Asks bittensor 10.5.0 itself what body hash a Synapse gets, so Plexus's hashing can be compared against it.

Reads JSON lines on stdin, answers one JSON line each on stdout:

  in:  {"fields": [[name, TYPE], ...], "hash": [name, ...], "body": {...}}
  out: {"ok": true, "hash": "<body_hash>", "str": {name: <the string hashed for that field>}}
       {"ok": false, "stage": "json" | "validate" | "hash", "error": "<short error>"}

TYPE is "int" | "float" | "bool" | "str" | "bytes" | {"optional": TYPE} | {"list": TYPE}
| {"tuple": [TYPE, ...]} | {"tuple_of": TYPE} | {"dict": ["int" | "str", TYPE]}
| {"model": {"name": N, "fields": [[name, TYPE], ...]}} | {"enum": {"name": N, "values": [[MEMBER, "value"], ...]}}.
Fields are required unless optional (default None) or given a default as a third element, JSON text:
[name, TYPE, "false"]. "enum" is `class N(str, Enum)`.

Any failure answers a real axon with 500, except "json", which FastAPI answers first (422, or 400 for
JSON Python can tokenize but not convert, such as an int of over 4300 digits).
"""

import enum
import json
import sys
import types
import typing
import warnings

from pydantic import BaseModel, ValidationError

try:
    from bittensor import Synapse
except ImportError:
    # bittensor 11 dropped the axon/dendrite stack: there is no body hash left to ask it about.
    sys.exit("hash_oracle.py: this bittensor has no Synapse (removed in v11); run it with the 10.5.0 venv")

# body_hash reads `self.model_fields`, which pydantic deprecates on instances; the warning is noise here.
warnings.simplefilter("ignore")

SCALARS = {"int": int, "float": float, "bool": bool, "str": str, "bytes": bytes}


def py_type(spec):
    if isinstance(spec, str):
        return SCALARS[spec]
    ((kind, arg),) = spec.items()
    if kind == "optional":
        return typing.Optional[py_type(arg)]
    if kind == "list":
        return typing.List[py_type(arg)]
    if kind == "tuple":
        return typing.Tuple[tuple(py_type(t) for t in arg)] if arg else typing.Tuple[()]
    if kind == "tuple_of":
        return typing.Tuple[py_type(arg), ...]
    if kind == "dict":
        return typing.Dict[py_type(arg[0]), py_type(arg[1])]
    if kind == "model":
        return class_statement(arg["name"], BaseModel, arg["fields"])
    if kind == "enum":
        return enum.Enum(arg["name"], [tuple(member) for member in arg["values"]], type=str)
    raise ValueError(f"unknown TYPE {spec!r}")


def class_statement(name, base, fields, hash_fields=None):
    """The class a subnet author would write: `class name(base):` with one annotated line per field."""
    namespace = {"__module__": __name__, "__annotations__": {}}
    for field, spec, *default in fields:
        namespace["__annotations__"][field] = py_type(spec)
        if default:
            namespace[field] = json.loads(default[0])
        elif isinstance(spec, dict) and "optional" in spec:
            namespace[field] = None
    if hash_fields is not None:
        # A ClassVar, as bittensor asks: a plain field would take body_hash's deprecated path,
        # which hashes in field order rather than in this order.
        namespace["__annotations__"]["required_hash_fields"] = typing.ClassVar[typing.Tuple[str, ...]]
        namespace["required_hash_fields"] = tuple(hash_fields)
    return types.new_class(name, (base,), exec_body=lambda body: body.update(namespace))


synapse_classes = {}


def answer(line):
    try:
        request = json.loads(line)
    except ValueError as e:
        return {"ok": False, "stage": "json", "error": str(e)}
    key = json.dumps([request["fields"], request["hash"]])
    if key not in synapse_classes:
        synapse_classes[key] = class_statement("Probe", Synapse, request["fields"], request["hash"])
    try:
        # Exactly Axon.verify_body_integrity: `forward_class_types[name](**json.loads(body))`.
        synapse = synapse_classes[key](**request["body"])
    except ValidationError as e:
        errors = [f"{'.'.join(map(str, err['loc']))}: {err['type']}: {err['msg']}" for err in e.errors()]
        return {"ok": False, "stage": "validate", "error": "; ".join(errors)}
    except TypeError as e:  # a body that is not a JSON object cannot be `**`-unpacked
        return {"ok": False, "stage": "validate", "error": str(e)}
    try:
        body_hash = synapse.body_hash
    except (KeyError, ValueError) as e:  # e.g. a lone surrogate in a str field cannot be utf-8 encoded
        return {"ok": False, "stage": "hash", "error": f"{type(e).__name__}: {e}"}
    # body_hash hashes str() of model_dump()'s values, not of the attributes: nested models are dicts there.
    dumped = synapse.model_dump()
    return {"ok": True, "hash": body_hash, "str": {field: str(dumped[field]) for field in request["hash"]}}


for line in sys.stdin:
    if line.strip():
        # ensure_ascii keeps lone surrogates (which Python strs may hold) representable as \udXXX escapes.
        print(json.dumps(answer(line), ensure_ascii=True), flush=True)
