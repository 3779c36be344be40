"""``description.xml``: the UPnP device description a Hue bridge serves (wire code), as real
bridges and diyHue write it; Echo devices read it after the SSDP answer."""

from __future__ import annotations

from xml.sax.saxutils import escape


def description_xml(base_url: str, name: str, serial: str, uuid: str) -> str:
    """The description of a bridge at ``base_url`` (``http://ip:port/``)."""
    fields = {k: escape(v) for k, v in {"base": base_url, "name": name, "serial": serial}.items()}
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<URLBase>{fields["base"]}</URLBase>
<device>
<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
<friendlyName>{fields["name"]}</friendlyName>
<manufacturer>Royal Philips Electronics</manufacturer>
<manufacturerURL>http://www.philips.com</manufacturerURL>
<modelDescription>Philips hue Personal Wireless Lighting</modelDescription>
<modelName>Philips hue bridge 2015</modelName>
<modelNumber>BSB002</modelNumber>
<modelURL>http://www.meethue.com</modelURL>
<serialNumber>{fields["serial"]}</serialNumber>
<UDN>uuid:{escape(uuid)}</UDN>
<presentationURL>index.html</presentationURL>
</device>
</root>
"""
