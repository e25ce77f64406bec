"""The shapes of real reported blocking-call bugs (issue 20), reproduced as their projects and SDKs
look, and linted by the real flake8.

Each case is one bug shape from the issue's two sets (Home Assistant's "Detected blocking call ...
inside the event loop" reports; aiohttp, jupyter_server, chat bots, LLM agent servers, the MCP SDK,
aiosmtplib): a small project package (an integration, a bot, a server) and, where the blocking call
is inside a vendor SDK, a fake installed distribution (with a ``dist-info``) in the site-packages of
a fake virtual environment, found through ``$VIRTUAL_ENV`` as users have it. A line that must be
reported ends with ``# error: AEXNNN``; every other line, the look-alikes among them (the async
twin, the stream given to a constructor that opens only paths, the work already in a thread), must
stay silent.

All the cases are written into one project and linted by one flake8 run per set of arguments (the
stat family, AEX109, is off by default): the cost is one process, not one per case. A few messages
are checked too: an installed package's finding names the package and the chain.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixture_format import expected_findings


@dataclass(frozen=True)
class Case:
    """A bug shape: the project's files (under a package named for the case) and the installed
    distributions' files (``name-version.dist-info`` added from ``dists``)."""

    name: str
    project: dict[str, str]
    installed: dict[str, str] = field(default_factory=dict)
    dists: tuple[tuple[str, str, str], ...] = ()  # (distribution, version, top-level module)
    args: tuple[str, ...] = ()


CASES: list[Case] = []


def case(
    name: str,
    project: dict[str, str],
    installed: dict[str, str] | None = None,
    dists: tuple[tuple[str, str, str], ...] = (),
    args: tuple[str, ...] = (),
) -> None:
    CASES.append(Case(name, project, installed or {}, dists, args))


# --- Home Assistant: inside an installed package -------------------------------------------------

case(
    "sdk_constructor_create_default_context_cafile",
    {
        "__init__.py": """\
            from homeassistant.config_entries import ConfigEntry
            from homeassistant.core import HomeAssistant
            from pyvaillant import VaillantClient


            async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
                client = VaillantClient(entry.data["host"], entry.data["token"])  # error: AEX103
                hass.data[entry.entry_id] = client
                return True
            """,
    },
    {
        "pyvaillant/__init__.py": "from pyvaillant.client import VaillantClient\n",
        "pyvaillant/client.py": """\
            import os
            import ssl

            CA_FILE = os.path.join(os.path.dirname(__file__), "ca.pem")


            class VaillantClient:
                def __init__(self, host, token):
                    self.host = host
                    self.token = token
                    self.ssl_context = ssl.create_default_context(cafile=CA_FILE)
            """,
    },
    (("pyvaillant", "1.2.0", "pyvaillant"),),
)

case(
    "sdk_constructor_builds_an_httpx_client",
    {
        "__init__.py": """\
            from pyairvisual import CloudAPI


            async def async_setup_entry(hass, entry):
                api = CloudAPI(entry.data["api_key"])  # error: AEX103
                quiet = CloudAPI(entry.data["api_key"], verify_ssl=False)
                hass.data[entry.entry_id] = (api, quiet)
                return True
            """,
    },
    {
        "pyairvisual/__init__.py": """\
            import httpx


            class CloudAPI:
                def __init__(self, api_key, verify_ssl=True):
                    self._api_key = api_key
                    self._client = httpx.AsyncClient(verify=verify_ssl, timeout=10)
            """,
    },
    (("pyairvisual", "2023.12.0", "pyairvisual"),),
)

case(
    "httpx_client_made_per_request_in_a_coroutine",
    {
        "sensor.py": """\
            import httpx
            from homeassistant.helpers.httpx_client import get_async_client


            async def async_update(hass, url):
                async with httpx.AsyncClient() as client:  # error: AEX103
                    return (await client.get(url)).json()


            async def async_update_shared(hass, url):
                client = get_async_client(hass)  # HA's shared client, made once: silent
                return (await client.get(url)).json()
            """,
    },
)

case(
    "sdk_constructor_load_verify_locations",
    {
        "__init__.py": """\
            from pymeross import MerossHttpClient


            async def async_setup_entry(hass, entry):
                http = MerossHttpClient(entry.data["email"])  # error: AEX103
                hass.data["meross"] = http
                return True
            """,
    },
    {
        "pymeross/__init__.py": """\
            import ssl

            import certifi


            class MerossHttpClient:
                def __init__(self, email, verify=True):
                    self.email = email
                    self._ssl = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    self._ssl.load_verify_locations(certifi.where())
            """,
    },
    (("pymeross", "0.4.7", "pymeross"),),
)

case(
    "sdk_constructor_load_cert_chain",
    {
        "__init__.py": """\
            from awsiot_lite import IotClient


            async def async_setup_entry(hass, entry):
                client = IotClient(  # error: AEX103
                    entry.data["endpoint"], entry.data["cert"], entry.data["key"]
                )
                await client.async_connect()
                return True
            """,
    },
    {
        "awsiot_lite/__init__.py": """\
            import ssl


            class IotClient:
                def __init__(self, endpoint, certfile, keyfile):
                    self.endpoint = endpoint
                    self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    self.context.load_cert_chain(certfile, keyfile)

                async def async_connect(self):
                    return self.endpoint
            """,
    },
    (("awsiot-lite", "2.0.1", "awsiot_lite"),),
)

case(
    "sdk_base_class_init_builds_ssl_context",
    {
        "__init__.py": """\
            from pysmartthings_lite import SmartThings


            async def async_setup_entry(hass, entry):
                api = SmartThings(entry.data["token"])  # error: AEX103
                hass.data["st"] = api
                return True
            """,
    },
    {
        "pysmartthings_lite/__init__.py": """\
            from pysmartthings_lite.api import SmartThings
            """,
        "pysmartthings_lite/base.py": """\
            import ssl


            class BaseClient:
                def __init__(self, timeout=10):
                    self.timeout = timeout
                    self.context = ssl.create_default_context()
            """,
        "pysmartthings_lite/api.py": """\
            from pysmartthings_lite.base import BaseClient


            class SmartThings(BaseClient):
                def __init__(self, token):
                    super().__init__(timeout=30)
                    self.token = token
            """,
    },
    (("pysmartthings-lite", "0.7.8", "pysmartthings_lite"),),
)

case(
    "sdk_method_uses_requests",
    {
        "coordinator.py": """\
            from datetime import timedelta

            from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
            from pyweatherflow import WeatherFlowApi


            class WeatherCoordinator(DataUpdateCoordinator):
                def __init__(self, hass, api: WeatherFlowApi):
                    super().__init__(hass, None, name="wf", update_interval=timedelta(minutes=5))
                    self.api = api

                async def _async_update_data(self):
                    return self.api.get_observation()  # error: AEX100

                async def async_forecast(self):
                    return await self.hass.async_add_executor_job(self.api.get_forecast)
            """,
    },
    {
        "pyweatherflow/__init__.py": "from pyweatherflow.api import WeatherFlowApi\n",
        "pyweatherflow/_http.py": """\
            import requests


            def fetch_json(url, params):
                response = requests.get(url, params=params, timeout=10)
                response.raise_for_status()
                return response.json()
            """,
        "pyweatherflow/api.py": """\
            from pyweatherflow._http import fetch_json


            class WeatherFlowApi:
                def __init__(self, token, station):
                    self.token = token
                    self.station = station

                def get_observation(self):
                    return fetch_json("https://swd.weatherflow.com/obs", {"token": self.token})

                def get_forecast(self):
                    return fetch_json("https://swd.weatherflow.com/fc", {"token": self.token})
            """,
    },
    (("pyweatherflow", "1.0.3", "pyweatherflow"),),
)

case(
    "pytz_timezone_in_coroutine",
    {
        "sensor.py": """\
            from datetime import datetime

            import pytz
            from homeassistant.components.sensor import SensorEntity


            class NextTideSensor(SensorEntity):
                def __init__(self, tz_name):
                    self._tz_name = tz_name

                async def async_update(self):
                    zone = pytz.timezone(self._tz_name)  # error: AEX103
                    self._attr_native_value = datetime.now(zone)
            """,
    },
)

case(
    "library_helper_pytz_timezone",
    {
        "sensor.py": """\
            from homeassistant.components.sensor import SensorEntity
            from pyrail import parse_departure


            class DepartureSensor(SensorEntity):
                async def async_update(self):
                    raw = await self._fetch()
                    self._attr_native_value = parse_departure(raw["time"], raw["tz"])  # error: AEX103

                async def _fetch(self):
                    return {"time": "12:00", "tz": "Europe/Brussels"}
            """,
    },
    {
        "pyrail/__init__.py": """\
            from datetime import datetime

            import pytz


            def parse_departure(text, zone):
                naive = datetime.strptime(text, "%H:%M")
                return pytz.timezone(zone).localize(naive)
            """,
    },
    (("pyrail", "0.3.0", "pyrail"),),
)

case(
    "library_helper_dateutil_gettz",
    {
        "calendar.py": """\
            from homeassistant.components.calendar import CalendarEntity
            from pyical_lite import parse_event


            class IcalCalendar(CalendarEntity):
                async def async_get_events(self, hass, start, end):
                    return [parse_event(line) for line in self._lines]  # error: AEX103
            """,
    },
    {
        "pyical_lite/__init__.py": """\
            from dateutil import tz


            def parse_event(line):
                name, zone = line.split(";")
                return name, tz.gettz(zone)
            """,
    },
    (("pyical-lite", "1.1.0", "pyical_lite"),),
)

case(
    "zoneinfo_in_coroutine",
    {
        "sensor.py": """\
            import zoneinfo
            from datetime import datetime


            async def async_setup_entry(hass, entry, async_add_entities):
                zone = zoneinfo.ZoneInfo(entry.data["time_zone"])  # error: AEX103
                async_add_entities([datetime.now(zone)])
            """,
    },
)

case(
    "library_helper_loads_yaml_from_disk",
    {
        "__init__.py": """\
            from pyhaversion_lite import load_device_profiles


            async def async_setup_entry(hass, entry):
                profiles = load_device_profiles(entry.data["model"])  # error: AEX103
                hass.data["profiles"] = profiles
                return True
            """,
    },
    {
        "pyhaversion_lite/__init__.py": """\
            import os

            import yaml

            PROFILES = os.path.join(os.path.dirname(__file__), "profiles")


            def load_device_profiles(model):
                with open(os.path.join(PROFILES, model + ".yaml")) as fh:
                    return yaml.safe_load(fh)
            """,
    },
    (("pyhaversion-lite", "3.0.0", "pyhaversion_lite"),),
)

case(
    "library_helper_loads_json_from_disk",
    {
        "climate.py": """\
            from pymelcloud_lite.codes import error_codes


            async def async_setup_entry(hass, entry, async_add_entities):
                codes = error_codes()  # error: AEX103
                async_add_entities([codes])
            """,
    },
    {
        "pymelcloud_lite/__init__.py": "",
        "pymelcloud_lite/codes.py": """\
            import json
            from pathlib import Path


            def error_codes():
                path = Path(__file__).parent / "codes.json"
                return json.loads(path.read_text())
            """,
    },
    (("pymelcloud-lite", "2.5.0", "pymelcloud_lite"),),
)

case(
    "library_helper_loads_packaged_data_with_importlib_resources",
    {
        "light.py": """\
            from pywiz_lite import bulb_types


            async def async_setup_entry(hass, entry, async_add_entities):
                types = bulb_types()  # error: AEX103
                async_add_entities(types)
            """,
    },
    {
        "pywiz_lite/__init__.py": """\
            import json
            from importlib import resources


            def bulb_types():
                return json.loads(resources.files("pywiz_lite").joinpath("bulbs.json").read_text())
            """,
    },
    (("pywiz-lite", "0.5.0", "pywiz_lite"),),
)

case(
    "library_async_api_reads_a_file",
    {
        "__init__.py": """\
            from pytado_lite import Tado


            async def async_setup_entry(hass, entry):
                tado = Tado(entry.data["username"])
                await tado.async_login()  # error: AEX103
                await tado.async_refresh()
                return True
            """,
    },
    {
        "pytado_lite/__init__.py": """\
            import asyncio
            import json


            class Tado:
                def __init__(self, username, token_file="/config/.tado_token"):
                    self.username = username
                    self.token_file = token_file

                async def async_login(self):
                    with open(self.token_file) as fh:
                        self.token = json.load(fh)

                async def async_refresh(self):
                    await asyncio.sleep(0)
                    return self.username
            """,
    },
    (("pytado-lite", "0.18.0", "pytado_lite"),),
)

case(
    "library_async_api_builds_ssl_context",
    {
        "__init__.py": """\
            from aiomqtt_lite import MqttClient


            async def async_setup_entry(hass, entry):
                mqtt = MqttClient(entry.data["broker"])
                await mqtt.connect()  # error: AEX103
                return True
            """,
    },
    {
        "aiomqtt_lite/__init__.py": """\
            import asyncio
            import ssl


            class MqttClient:
                def __init__(self, broker):
                    self.broker = broker

                async def connect(self):
                    context = ssl.create_default_context()
                    return await asyncio.open_connection(self.broker, 8883, ssl=context)
            """,
    },
    (("aiomqtt-lite", "1.0.0", "aiomqtt_lite"),),
)

# --- Home Assistant: constructors -----------------------------------------------------------------

case(
    "project_constructor_opens_a_file",
    {
        "api.py": """\
            import json


            class DeviceStore:
                def __init__(self, path):
                    with open(path) as fh:
                        self.devices = json.load(fh)
            """,
        "__init__.py": """\
            from .api import DeviceStore


            async def async_setup_entry(hass, entry):
                store = DeviceStore(hass.config.path("devices.json"))  # error: AEX103
                hass.data["store"] = store
                return True
            """,
    },
)

case(
    "project_constructor_base_connects",
    {
        "connection.py": """\
            import socket


            class Connection:
                def __init__(self, host, port):
                    self.sock = socket.create_connection((host, port), timeout=5)


            class ReceiverConnection(Connection):
                def __init__(self, host):
                    super().__init__(host, 60128)
                    self.volume = 0
            """,
        "media_player.py": """\
            from .connection import ReceiverConnection


            async def async_setup_entry(hass, entry, async_add_entities):
                receiver = ReceiverConnection(entry.data["host"])  # error: AEX100
                async_add_entities([receiver])
            """,
    },
)

case(
    "installed_constructor_connects",
    {
        "__init__.py": """\
            from pymodbus_lite import ModbusTcpClient


            async def async_setup_entry(hass, entry):
                client = ModbusTcpClient(entry.data["host"])  # error: AEX100
                hass.data["modbus"] = client
                return True
            """,
    },
    {
        "pymodbus_lite/__init__.py": """\
            import socket


            class ModbusTcpClient:
                def __init__(self, host, port=502):
                    self.socket = socket.create_connection((host, port))
            """,
    },
    (("pymodbus-lite", "3.1.0", "pymodbus_lite"),),
)

case(
    "discord_file_from_a_stream_stays_silent",
    {
        "bot.py": """\
            import io

            import aiohttp
            import discord


            async def on_message(message):
                if message.content == "!cat":
                    async with aiohttp.ClientSession() as session:
                        async with session.get("https://cataas.com/cat") as response:
                            data = await response.read()
                    await message.channel.send(file=discord.File(io.BytesIO(data), "cat.png"))
            """,
    },
    {
        "discord/__init__.py": "from discord.file import File\n",
        "discord/file.py": """\
            import io
            import os


            class File:
                def __init__(self, fp, filename=None, *, spoiler=False):
                    if isinstance(fp, io.IOBase):
                        self.fp = fp
                        self._owner = False
                    else:
                        self.fp = open(fp, "rb")
                        self._owner = True
                    if filename is None and isinstance(fp, str):
                        filename = os.path.split(fp)[1]
                    self.filename = filename
            """,
    },
    (("discord.py", "2.3.2", "discord"),),
)

case(
    "entity_constructor_called_on_the_loop",
    {
        "sensor.py": """\
            from pathlib import Path

            from homeassistant.components.sensor import SensorEntity


            class FirmwareSensor(SensorEntity):
                def __init__(self, base):
                    self._attr_native_value = (Path(base) / "VERSION").read_text().strip()


            async def async_setup_entry(hass, entry, async_add_entities):
                async_add_entities([FirmwareSensor(entry.data["path"])])  # error: AEX103
            """,
    },
)

# --- Home Assistant: the project's own types ------------------------------------------------------

LUXTRONIK = {
    "luxtronik_lite/__init__.py": """\
        import socket


        class Luxtronik:
            def __init__(self, host, port=8889):
                self.host = host
                self.port = port

            def read(self):
                with socket.create_connection((self.host, self.port)) as sock:
                    return sock.recv(4096)

            def describe(self):
                return f"{self.host}:{self.port}"
        """,
}

case(
    "class_level_annotation_of_an_installed_client",
    {
        "coordinator.py": """\
            from luxtronik_lite import Luxtronik


            class LuxtronikCoordinator:
                client: Luxtronik

                def __init__(self, hass, client):
                    self.hass = hass
                    self.client = client

                async def async_update(self):
                    return self.client.read()  # error: AEX100

                def name(self):
                    return self.client.describe()
            """,
    },
    LUXTRONIK,
    (("luxtronik-lite", "0.3.14", "luxtronik_lite"),),
)

case(
    "annotated_self_attribute",
    {
        "client.py": """\
            import requests


            class ClientAsync:
                \"\"\"Named async, but its calls are sync (as in the report).\"\"\"

                def __init__(self, host):
                    self.host = host

                def get_devices(self):
                    return requests.get(f"http://{self.host}/devices", timeout=5).json()
            """,
        "__init__.py": """\
            from .client import ClientAsync


            class Hub:
                def __init__(self, hass, entry):
                    self._client: ClientAsync = hass.data[entry.entry_id]

                async def async_refresh(self):
                    return self._client.get_devices()  # error: AEX100
            """,
    },
)

case(
    "annotated_init_parameter_stored_on_self",
    {
        "switch.py": """\
            from homeassistant.components.switch import SwitchEntity
            from pysmarthub_lite import SmartHub


            class HubSwitch(SwitchEntity):
                def __init__(self, api: SmartHub, index: int):
                    self._api = api
                    self._index = index

                async def async_turn_on(self, **kwargs):
                    self._api.set_state(self._index, True)  # error: AEX100

                async def async_turn_off(self, **kwargs):
                    await self.hass.async_add_executor_job(self._api.set_state, self._index, False)
            """,
    },
    {
        "pysmarthub_lite/__init__.py": """\
            import urllib.request


            class SmartHub:
                def __init__(self, host):
                    self.host = host

                def set_state(self, index, on):
                    url = f"http://{self.host}/relay/{index}?on={int(on)}"
                    with urllib.request.urlopen(url, timeout=5) as response:
                        return response.read()
            """,
    },
    (("pysmarthub-lite", "1.0.0", "pysmarthub_lite"),),
)

# --- Home Assistant: generators -------------------------------------------------------------------

case(
    "sync_generator_lists_a_directory_iterated_in_a_coroutine",
    {
        "backup.py": """\
            import os


            def _backup_files(directory):
                for name in os.listdir(directory):
                    if name.endswith(".tar"):
                        yield os.path.join(directory, name)
            """,
        "__init__.py": """\
            from .backup import _backup_files


            async def async_list_backups(hass, directory):
                backups = []
                for path in _backup_files(directory):  # error: AEX103
                    backups.append(path)
                names = await hass.async_add_executor_job(lambda: list(_backup_files(directory)))
                return backups, names
            """,
    },
)

case(
    "generator_function_handed_to_the_executor",
    {
        "media_source.py": """\
            import os


            def _walk_media(root):
                for directory, _dirs, files in os.walk(root):
                    for name in files:
                        yield os.path.join(directory, name)


            def _all_media(root):
                return list(_walk_media(root))


            async def async_browse(hass, root):
                found = await hass.async_add_executor_job(_walk_media, root)  # error: AEX207
                listed = await hass.async_add_executor_job(_all_media, root)
                return found, listed
            """,
    },
)

case(
    "os_walk_handed_to_the_executor",
    {
        "__init__.py": """\
            import os


            async def async_find_firmware(hass, root):
                walker = await hass.async_add_executor_job(os.walk, root)  # error: AEX207
                listed = await hass.async_add_executor_job(os.listdir, root)
                return walker, listed
            """,
    },
)

# --- Home Assistant: code on the loop without async def -------------------------------------------

case(
    "home_assistant_callback_function",
    {
        "binary_sensor.py": """\
            from homeassistant.components.binary_sensor import BinarySensorEntity
            from homeassistant.core import callback


            class DoorSensor(BinarySensorEntity):
                def __init__(self, path):
                    self._path = path

                @callback
                def _handle_coordinator_update(self) -> None:
                    with open(self._path) as fh:  # error: AEX103
                        self._attr_is_on = fh.read().strip() == "1"
                    self.async_write_ha_state()

                def update(self) -> None:
                    with open(self._path) as fh:
                        self._attr_is_on = fh.read().strip() == "1"
            """,
    },
)

case(
    "home_assistant_sync_async_named_function",
    {
        "__init__.py": """\
            import subprocess

            from homeassistant.core import HomeAssistant


            def async_get_version(hass: HomeAssistant):
                return subprocess.check_output(["git", "describe"])  # error: AEX102


            def get_version(hass):
                return subprocess.check_output(["git", "describe"])


            async def async_setup(hass, config):
                return await hass.async_add_executor_job(get_version, hass)
            """,
    },
)

VENDSDK = {
    "vendsdk/__init__.py": """\
        import json
        import os
        import ssl

        import certifi
        import pytz
        import requests


        def _create_context():
            context = ssl.create_default_context()
            context.load_verify_locations(certifi.where())
            return context


        class Api:
            def __init__(self, host):
                self.host = host
                self._ssl = _create_context()

            def refresh(self):
                return requests.get(self.host, timeout=10).json()


        class Schedule:
            def __init__(self, time_zone):
                self.tz = pytz.timezone(time_zone)


        class Reader:
            def __init__(self, path):
                self.path = path

            async def load(self):
                return _read_json(self.path)


        def _read_json(path):
            with open(path) as fh:
                return json.load(fh)


        def iter_devices(path):
            for name in os.listdir(path):
                yield name
        """,
}
VENDSDK_DIST = (("vendsdk", "1.0", "vendsdk"),)

case(
    "project_constructor_builds_an_installed_client_through_a_helper",
    {
        "coordinator.py": """\
            from vendsdk import Api


            class Coordinator:
                def __init__(self, hass, host):
                    self.hass = hass
                    self.api = Api(host)
            """,
        "__init__.py": """\
            from vendsdk import Api

            from .coordinator import Coordinator


            async def async_setup_entry(hass, entry):
                coordinator = Coordinator(hass, entry.data["host"])  # error: AEX103
                api = await hass.async_add_executor_job(Api, entry.data["host"])
                hass.data["x"] = coordinator, api
                return True
            """,
    },
    VENDSDK,
    VENDSDK_DIST,
)

case(
    "class_level_optional_annotation_client_made_in_the_executor",
    {
        "hub.py": """\
            from typing import Optional

            from vendsdk import Api


            class Hub:
                _client: Optional[Api] = None

                async def async_setup(self, hass, host):
                    self._client = await hass.async_add_executor_job(Api, host)

                async def async_update(self):
                    return self._client.refresh()  # error: AEX100
            """,
    },
    VENDSDK,
    VENDSDK_DIST,
)

case(
    "pytz_in_an_installed_constructor",
    {
        "sensor.py": """\
            from vendsdk import Schedule


            async def async_setup_entry(hass, entry, async_add_entities):
                schedule = Schedule(entry.data["time_zone"])  # error: AEX103
                async_add_entities([schedule])
            """,
    },
    VENDSDK,
    VENDSDK_DIST,
)

case(
    "library_async_api_reads_through_a_sync_helper",
    {
        "__init__.py": """\
            from vendsdk import Reader


            async def async_setup_entry(hass, entry):
                reader = Reader(hass.config.path("vendsdk.json"))
                hass.data["x"] = await reader.load()  # error: AEX103
                return True
            """,
    },
    VENDSDK,
    VENDSDK_DIST,
)

case(
    "installed_generator_iterated_in_a_coroutine",
    {
        "__init__.py": """\
            from vendsdk import iter_devices


            async def async_setup_entry(hass, entry):
                devices = [name for name in iter_devices("/dev/serial/by-id")]  # error: AEX103
                pending = iter_devices("/dev")
                hass.data["x"] = devices, pending
                return True
            """,
    },
    VENDSDK,
    VENDSDK_DIST,
)

case(
    "installed_property_getter_requests",
    {
        "sensor.py": """\
            from homeassistant.components.sensor import SensorEntity
            from vendsdk.device import Device


            class StatusSensor(SensorEntity):
                def __init__(self, device: Device):
                    self._device = device

                async def async_update(self):
                    self._attr_native_value = self._device.status["state"]  # error: AEX100
                    self._attr_name = self._device.name
            """,
    },
    {
        **VENDSDK,
        "vendsdk/device.py": """\
            import requests


            class Device:
                def __init__(self, host, name):
                    self.host = host
                    self.name = name

                @property
                def status(self):
                    return requests.get(f"http://{self.host}/status", timeout=5).json()
            """,
    },
    VENDSDK_DIST,
)

case(
    "config_flow_constructed_on_the_loop",
    {
        "config_flow.py": """\
            import json

            from homeassistant import config_entries


            class ExampleConfigFlow(config_entries.ConfigFlow, domain="example"):
                VERSION = 1

                def __init__(self):
                    with open("/config/example_models.json") as fh:  # error: AEX103
                        self._models = json.load(fh)  # error: AEX105

                async def async_step_user(self, user_input=None):
                    return self.async_show_form(step_id="user")
            """,
    },
)

case(
    "path_glob_listed_in_a_coroutine",
    {
        "__init__.py": """\
            import asyncio
            from pathlib import Path


            async def async_load_themes(hass, root):
                found = list(Path(root).glob("*.yaml"))  # error: AEX103
                later = await asyncio.to_thread(lambda: list(Path(root).glob("*.yaml")))
                return found, later
            """,
    },
)

# --- Outside Home Assistant: the LLM SDKs ---------------------------------------------------------

case(
    "openai_sync_client_in_a_fastapi_route",
    {
        "server.py": """\
            from fastapi import FastAPI
            from openai import AsyncOpenAI, OpenAI

            app = FastAPI()
            client = OpenAI()
            async_client = AsyncOpenAI()


            @app.post("/chat")
            async def chat(prompt: str):
                reply = client.chat.completions.create(  # error: AEX100
                    model="gpt-4o", messages=[{"role": "user", "content": prompt}]
                )
                return reply.choices[0].message.content


            @app.post("/chat2")
            async def chat_async(prompt: str):
                reply = await async_client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": prompt}]
                )
                return reply.choices[0].message.content
            """,
    },
)

case(
    "openai_v0_completion_create",
    {
        "bot.py": """\
            import openai
            from discord.ext import commands

            bot = commands.Bot(command_prefix="!")


            @bot.command()
            async def ask(ctx, *, question):
                answer = openai.Completion.create(engine="davinci", prompt=question)  # error: AEX100
                await ctx.send(answer.choices[0].text)


            @bot.command()
            async def ask2(ctx, *, question):
                answer = await openai.Completion.acreate(engine="davinci", prompt=question)
                await ctx.send(answer.choices[0].text)
            """,
    },
)

case(
    "litellm_completion_in_an_agent_step",
    {
        "agent.py": """\
            import litellm


            class Agent:
                def __init__(self, model):
                    self.model = model

                async def step(self, messages):
                    return litellm.completion(model=self.model, messages=messages)  # error: AEX100

                async def astep(self, messages):
                    return await litellm.acompletion(model=self.model, messages=messages)
            """,
    },
)

case(
    "langchain_hub_pull_in_a_coroutine",
    {
        "rag.py": """\
            from langchain import hub


            async def build_chain(llm):
                prompt = hub.pull("rlm/rag-prompt")  # error: AEX100
                return prompt | llm
            """,
    },
)

case(
    "langgraph_sync_invoke_in_a_coroutine",
    {
        "graph.py": """\
            from langgraph.graph import END, StateGraph


            def build():
                graph = StateGraph(dict)
                graph.add_node("answer", lambda state: state)
                graph.set_entry_point("answer")
                graph.add_edge("answer", END)
                return graph.compile()


            async def run_turn(state):
                app = StateGraph(dict).compile()
                result = app.invoke(state)  # error: AEX100
                later = await app.ainvoke(state)
                return result, later
            """,
    },
)

case(
    "anthropic_sync_client_in_a_websocket_handler",
    {
        "ws.py": """\
            import anthropic
            from fastapi import FastAPI, WebSocket

            app = FastAPI()
            claude = anthropic.Anthropic()


            @app.websocket("/ws")
            async def talk(websocket: WebSocket):
                text = await websocket.receive_text()
                reply = claude.messages.create(  # error: AEX100
                    model="claude", max_tokens=512, messages=[{"role": "user", "content": text}]
                )
                await websocket.send_text(reply.content[0].text)
            """,
    },
)

case(
    "abstract_method_implemented_with_a_cloud_sdk",
    {
        "storage.py": """\
            import abc

            import boto3


            class Storage(abc.ABC):
                @abc.abstractmethod
                def upload(self, key, data): ...


            class S3Storage(Storage):
                def __init__(self, bucket):
                    self.bucket = bucket
                    self.s3 = boto3.client("s3")

                def upload(self, key, data):
                    self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
            """,
        "service.py": """\
            from .storage import Storage


            class Uploader:
                def __init__(self, storage: Storage):
                    self.storage = storage

                async def save(self, key, data):
                    self.storage.upload(key, data)  # error: AEX100
            """,
    },
)

case(
    "abstract_method_implemented_in_the_same_module",
    {
        "llm.py": """\
            from abc import ABC, abstractmethod

            import requests


            class Provider(ABC):
                @abstractmethod
                def complete(self, prompt): ...

                @abstractmethod
                def name(self): ...


            class HostedProvider(Provider):
                def complete(self, prompt):
                    return requests.post("https://llm.example.com/v1", json={"p": prompt}).json()

                def name(self):
                    return "hosted"


            class EchoProvider(Provider):
                def complete(self, prompt):
                    return prompt

                def name(self):
                    return "echo"


            class Server:
                def __init__(self, provider: Provider):
                    self.provider = provider

                async def answer(self, prompt):
                    label = self.provider.name()
                    return label, self.provider.complete(prompt)  # error: AEX100
            """,
    },
)

# --- Outside Home Assistant: the stat family (AEX109, named to be on) -----------------------------

STAT = ("--extend-select=AEX109",)

case(
    "aiohttp_static_path_is_file",
    {
        "web.py": """\
            from pathlib import Path

            from aiohttp import web

            ROOT = Path("/srv/static")


            async def static(request):
                path = ROOT / request.match_info["name"]
                if not path.is_file():  # error: AEX109
                    raise web.HTTPNotFound()
                return web.FileResponse(path)
            """,
    },
    args=STAT,
)

case(
    "jupyter_exists_and_resolve",
    {
        "handlers.py": """\
            from pathlib import Path


            class ContentsHandler:
                def __init__(self, root):
                    self.root = Path(root)

                async def get(self, path):
                    full = (self.root / path).resolve()  # error: AEX109
                    if not full.exists():  # error: AEX109
                        return None
                    return full.name
            """,
    },
    args=STAT,
)

case(
    "shutil_which_in_a_coroutine",
    {
        "media.py": """\
            import asyncio
            import shutil


            async def transcode(source, target):
                ffmpeg = shutil.which("ffmpeg")  # error: AEX109
                process = await asyncio.create_subprocess_exec(ffmpeg, "-i", source, target)
                return await process.wait()
            """,
    },
    args=STAT,
)

case(
    "os_stat_in_a_coroutine",
    {
        "files.py": """\
            import os


            async def file_info(path):
                info = os.stat(path)  # error: AEX109
                return {"size": info.st_size, "modified": info.st_mtime}
            """,
    },
    args=STAT,
)

# --- Outside Home Assistant: receiver types -------------------------------------------------------

case(
    "classmethod_factory",
    {
        "config.py": """\
            import json


            class Config:
                def __init__(self, path, values):
                    self.path = path
                    self.values = values

                @classmethod
                def from_file(cls, path):
                    return cls(path, {})

                def save(self):
                    with open(self.path, "w") as fh:
                        json.dump(self.values, fh)
            """,
        "bot.py": """\
            from .config import Config


            async def on_setting(path, key, value):
                config = Config.from_file(path)
                config.values[key] = value
                config.save()  # error: AEX103
            """,
    },
)

case(
    "helper_annotated_to_return_a_path",
    {
        "paths.py": """\
            from pathlib import Path


            def prompt_file(name) -> Path:
                return Path(__file__).parent / "prompts" / f"{name}.txt"
            """,
        "agent.py": """\
            from .paths import prompt_file


            async def system_prompt(name):
                return prompt_file(name).read_text()  # error: AEX103
            """,
    },
)

case(
    "same_type_bound_on_two_branches",
    {
        "mailer.py": """\
            import smtplib


            async def send(host, message, use_ssl):
                if use_ssl:
                    server = smtplib.SMTP_SSL(host)  # error: AEX100
                else:
                    server = smtplib.SMTP(host)  # error: AEX100
                server.send_message(message)  # error: AEX100
                server.quit()  # error: AEX100
            """,
    },
)

case(
    "property_getter_blocks",
    {
        "auth.py": """\
            import json


            class TokenStore:
                def __init__(self, path):
                    self.path = path

                @property
                def token(self):
                    with open(self.path) as fh:
                        return json.load(fh)["access_token"]
            """,
        "client.py": """\
            from .auth import TokenStore


            class ApiClient:
                def __init__(self, store: TokenStore):
                    self.store = store

                async def headers(self):
                    return {"Authorization": f"Bearer {self.store.token}"}  # error: AEX103
            """,
    },
)

case(
    "fastapi_session_from_depends",
    {
        "routes.py": """\
            from fastapi import APIRouter, Depends
            from sqlalchemy.orm import Session

            from .database import get_db

            router = APIRouter()


            @router.get("/items")
            async def list_items(db: Session = Depends(get_db)):
                return db.execute("select * from items").all()  # error: AEX100


            @router.get("/items-sync")
            def list_items_sync(db: Session = Depends(get_db)):
                return db.execute("select * from items").all()
            """,
        "database.py": """\
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///app.db"))


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()
            """,
    },
)

case(
    "request_app_state_engine",
    {
        "main.py": """\
            from contextlib import asynccontextmanager

            from fastapi import FastAPI, Request
            from sqlalchemy import create_engine, text


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                app.state.engine = create_engine("postgresql://db/app")
                yield
                app.state.engine.dispose()


            app = FastAPI(lifespan=lifespan)


            @app.get("/health")
            async def health(request: Request):
                with request.app.state.engine.connect() as connection:  # error: AEX100
                    connection.execute(text("select 1"))  # error: AEX100
                return {"ok": True}
            """,
    },
)

# --- Outside Home Assistant: Tornado, chat bots, mail, MCP ----------------------------------------

case(
    "tornado_plain_def_handler",
    {
        "handlers.py": """\
            import subprocess

            from tornado import web


            class KernelSpecHandler(web.RequestHandler):
                def get(self):
                    out = subprocess.check_output(["jupyter", "kernelspec", "list"])  # error: AEX102
                    self.finish(out)

                def _specs(self):
                    return subprocess.check_output(["jupyter", "kernelspec", "list"])
            """,
    },
)

case(
    "jupyter_server_extension_plain_def_handler",
    {
        "handlers.py": """\
            import subprocess

            from jupyter_server_lite.base.handlers import APIHandler


            class GitStatusHandler(APIHandler):
                def get(self):
                    self.finish(subprocess.check_output(["git", "status"]))  # error: AEX102

                async def post(self):
                    process = await self._status()
                    self.finish(process)

                async def _status(self):
                    return "clean"
            """,
    },
    {
        "jupyter_server_lite/__init__.py": "",
        "jupyter_server_lite/base/__init__.py": "",
        "jupyter_server_lite/base/handlers.py": """\
            from tornado import web


            class AuthenticatedHandler(web.RequestHandler):
                pass


            class JupyterHandler(AuthenticatedHandler):
                pass


            class APIHandler(JupyterHandler):
                pass
            """,
    },
    (("jupyter-server-lite", "2.14.0", "jupyter_server_lite"),),
)

case(
    "chat_bot_requests_in_a_handler",
    {
        "bot.py": """\
            import requests
            from telegram import Update
            from telegram.ext import ContextTypes


            async def weather(update: Update, context: ContextTypes.DEFAULT_TYPE):
                city = " ".join(context.args)
                data = requests.get(f"https://wttr.in/{city}?format=j1", timeout=10).json()  # error: AEX100
                await update.message.reply_text(data["current_condition"][0]["temp_C"])
            """,
    },
)

case(
    "discord_music_bot_yt_dlp_extract_info",
    {
        "music.py": """\
            import asyncio

            import discord
            import yt_dlp
            from discord.ext import commands

            YTDL_OPTIONS = {"format": "bestaudio", "noplaylist": True}


            class Music(commands.Cog):
                def __init__(self, bot):
                    self.bot = bot
                    self.ytdl = yt_dlp.YoutubeDL(YTDL_OPTIONS)

                @commands.command()
                async def play(self, ctx, *, url):
                    info = self.ytdl.extract_info(url, download=False)  # error: AEX100
                    source = discord.FFmpegPCMAudio(info["url"])
                    ctx.voice_client.play(source)

                @commands.command()
                async def stream(self, ctx, *, url):
                    loop = asyncio.get_running_loop()
                    info = await loop.run_in_executor(
                        None, lambda: self.ytdl.extract_info(url, download=False)
                    )
                    ctx.voice_client.play(discord.FFmpegPCMAudio(info["url"]))
            """,
    },
)

case(
    "slack_sync_web_client_in_an_async_app",
    {
        "app.py": """\
            from slack_bolt.async_app import AsyncApp
            from slack_sdk import WebClient
            from slack_sdk.web.async_client import AsyncWebClient

            app = AsyncApp()
            web = WebClient(token="xoxb")
            async_web = AsyncWebClient(token="xoxb")


            @app.event("app_mention")
            async def mention(event, say):
                web.chat_postMessage(channel=event["channel"], text="hi")  # error: AEX100
                await async_web.chat_postMessage(channel=event["channel"], text="hi")
            """,
    },
)

case(
    "aiosmtplib_getfqdn_in_connect",
    {
        "notify.py": """\
            from aiosmtp_lite import SMTP


            async def notify(host, message):
                smtp = SMTP(hostname=host)
                await smtp.connect()  # error: AEX100
                await smtp.send_message(message)
            """,
    },
    {
        "aiosmtp_lite/__init__.py": """\
            import asyncio
            import socket


            class SMTP:
                def __init__(self, hostname, local_hostname=None):
                    self.hostname = hostname
                    self.local_hostname = local_hostname

                async def connect(self):
                    if self.local_hostname is None:
                        self.local_hostname = socket.getfqdn()
                    self.reader, self.writer = await asyncio.open_connection(self.hostname, 25)

                async def send_message(self, message):
                    self.writer.write(bytes(message))
                    await self.writer.drain()
            """,
    },
    (("aiosmtp-lite", "1.1.0", "aiosmtp_lite"),),
)

case(
    "mcp_tool_reads_a_file",
    {
        "server.py": """\
            import asyncio
            from pathlib import Path

            from mcp.server.fastmcp import FastMCP

            mcp = FastMCP("notes")


            @mcp.tool()
            async def read_note(name: str) -> str:
                return Path("notes", name).read_text()  # error: AEX103


            @mcp.tool()
            async def read_note_offloaded(name: str) -> str:
                return await asyncio.to_thread(Path("notes", name).read_text)
            """,
    },
)

case(
    "jupyter_sqlite_connect_in_a_coroutine",
    {
        "store.py": """\
            import sqlite3


            class SessionStore:
                def __init__(self, path):
                    self.path = path

                async def list_sessions(self):
                    connection = sqlite3.connect(self.path)  # error: AEX103
                    return connection.execute("select id from sessions").fetchall()  # error: AEX100
            """,
    },
)


# --- The harness ----------------------------------------------------------------------------------

_REPORTED = re.compile(r"^\./(.+?):(\d+):\d+: (AEX\d{3}) (.*)$", re.MULTILINE)


@dataclass
class Run:
    """One flake8 run over every case: the project, and what was reported by file
    (``case/module.py``) as ``(line, code)`` pairs and as messages."""

    project: Path
    findings: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    messages: dict[str, list[str]] = field(default_factory=dict)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Every case written into one project, the SDKs into one fake venv (found through
    ``$VIRTUAL_ENV``), linted by one flake8 run per set of arguments."""
    base = tmp_path_factory.mktemp("reported")
    venv = base / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    site = venv / "lib" / f"python3.{sys.version_info[1]}" / "site-packages"
    run = Run(base / "project")
    run.project.mkdir()
    (run.project / "pyproject.toml").write_text('[project]\nname = "reported"\n', encoding="utf-8")
    groups: dict[tuple[str, ...], list[str]] = {}
    for bug in CASES:
        _write(site, bug.installed)
        for dist, version, top in bug.dists:
            info = f"{dist.replace('-', '_')}-{version}.dist-info"
            _write(
                site,
                {
                    f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
                    f"{info}/top_level.txt": f"{top}\n",
                },
            )
        _write(run.project / bug.name, {"__init__.py": "", **bug.project})
        groups.setdefault(bug.args, []).append(bug.name)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FLAKE8_EXECUTOR_CACHE_DIR", "PYTHONPATH")
    }
    env["VIRTUAL_ENV"] = str(venv)
    env["XDG_CACHE_HOME"] = str(base / "cache")
    for args, names in groups.items():
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select=AEX", *args, *names],
            capture_output=True,
            text=True,
            cwd=run.project,
            env=env,
            timeout=300,
        )
        assert "Traceback" not in result.stderr, result.stderr
        rows = "\n".join("./" + row.removeprefix("./") for row in result.stdout.splitlines())
        for path, line, code, message in _REPORTED.findall(rows):
            run.findings.setdefault(path, set()).add((int(line), code))
            run.messages.setdefault(path, []).append(message)
    return run


@pytest.mark.parametrize("bug", CASES, ids=[bug.name for bug in CASES])
def test_reported_bug_shape(bug: Case, reported: Run) -> None:
    root = reported.project / bug.name
    for name in bug.project:
        expected = expected_findings(root / name)
        got = reported.findings.get(f"{bug.name}/{name}", set())
        assert got == expected, f"{bug.name}/{name}: expected {sorted(expected)}, got {sorted(got)}"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("library_helper_loads_yaml_from_disk/__init__.py", "calls open() in pyhaversion-lite ("),
        ("library_async_api_reads_a_file/__init__.py", "only pytado-lite can fix it"),
        (
            "installed_generator_iterated_in_a_coroutine/__init__.py",
            "calls os.listdir() in vendsdk",
        ),
        ("installed_property_getter_requests/sensor.py", "calls requests.get() in vendsdk"),
        (
            "abstract_method_implemented_with_a_cloud_sdk/service.py",
            "via storage.Storage.upload -> storage.S3Storage.upload -> "
            "botocore.client.BaseClient.put_object",
        ),
        ("config_flow_constructed_on_the_loop/config_flow.py", "constructs on the event loop"),
    ],
)
def test_messages_name_the_package_and_the_chain(path: str, words: str, reported: Run) -> None:
    messages = reported.messages.get(path, [])
    assert any(words in message for message in messages), messages
