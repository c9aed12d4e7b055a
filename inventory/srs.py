"""The coordinate reference systems the project speaks (hệ tọa độ).

Everything is stored in WGS 84 (EPSG:4326). Land and survey data in Viet Nam are in VN-2000: the
national UTM zone 48N and, for cadastral work, the provincial 3° transverse Mercator zone — for
Nghệ An the central meridian (kinh tuyến trục) 104°45′, scale 0.9999 (EPSG:9208). Debian's PostGIS
3.3 lacks 9208 in ``spatial_ref_sys``; migration 0022 adds the row from PROJ's own definition.
"""

WGS84 = 4326
VN2000_UTM48N = 3405  # VN-2000 / UTM zone 48N
VN2000_TM3_NGHE_AN = 9208  # VN-2000 / TM-3 104-45 (Nghệ An)

# What a user may pick where a system is chosen (imports, exports, entry by X/Y), with its label.
VN2000_SRIDS = (VN2000_TM3_NGHE_AN, VN2000_UTM48N)
