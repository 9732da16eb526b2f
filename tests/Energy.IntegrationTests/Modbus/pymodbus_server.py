#!/usr/bin/python3
"""A real Modbus TCP server (pymodbus 3.0, Debian's python3-pymodbus) for HeatGrid's integration tests.

It serves, for unit id 1 only, holding registers holding values of every type in every word order,
encoded by pymodbus's own BinaryPayloadBuilder (an encoder independent of HeatGrid's), plus input
registers, coils and discrete inputs. It writes a JSON manifest of what lives where, then serves
until killed. Addresses past the blocks are unmapped (illegal data address); other unit ids get no
answer at all.

usage: pymodbus_server.py --port PORT --manifest FILE
"""
import argparse
import json
import logging

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartTcpServer

ORDERS = {
    "abcd": (Endian.Big, Endian.Big),
    "cdab": (Endian.Big, Endian.Little),
    "badc": (Endian.Little, Endian.Big),
    "dcba": (Endian.Little, Endian.Little),
}

VALUES = {
    "uint16": ("add_16bit_uint", [0, 1, 4660, 65534]),
    "int16": ("add_16bit_int", [-32767, -2, 1234, 32767]),
    "uint32": ("add_32bit_uint", [305419896, 4000000000, 7]),
    "int32": ("add_32bit_int", [-2, -123456789, 2147483647]),
    "uint64": ("add_64bit_uint", [1311768467463790320, 9007199254740993]),
    "int64": ("add_64bit_int", [-2, -1311768467463790320]),
    "float32": ("add_32bit_float", [123.456, -0.015625, 3.0e38]),
    "float64": ("add_64bit_float", [123.456789012345, -2.5e-300]),
}


def build():
    registers, manifest = [], []
    for order, (byteorder, wordorder) in ORDERS.items():
        for kind, (method, values) in VALUES.items():
            for value in values:
                builder = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
                getattr(builder, method)(value)
                words = builder.to_registers()
                manifest.append({"address": len(registers), "type": kind, "order": order, "value": value, "registers": words})
                registers.extend(words)
    return registers, manifest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()

    holding, manifest = build()
    inputs = [100 * i for i in range(20)]
    coils = [i % 3 == 0 for i in range(40)]
    discrete = [i % 2 == 1 for i in range(40)]
    with open(args.manifest, "w", encoding="utf-8") as f:
        json.dump({"holding": manifest, "holdingCount": len(holding), "input": inputs, "coils": coils, "discrete": discrete}, f)

    # zero_mode: address 0 is register 0 (without it pymodbus shifts every address by one).
    unit = ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, holding),
        ir=ModbusSequentialDataBlock(0, inputs),
        co=ModbusSequentialDataBlock(0, coils),
        di=ModbusSequentialDataBlock(0, discrete),
        zero_mode=True,
    )
    logging.basicConfig(level=logging.WARNING)
    StartTcpServer(context=ModbusServerContext(slaves={1: unit}, single=False), address=("127.0.0.1", args.port))


if __name__ == "__main__":
    main()
