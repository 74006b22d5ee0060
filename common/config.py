"""Team analysis configuration (analysis spec 1.3): extensions, camera mappings, methods."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import ConfigError
from .structured_file import StructuredFileError, read_structured_file

__all__ = [
    "DEFAULT_METADATA_EXTENSIONS",
    "DEFAULT_PHOTO_EXTENSIONS",
    "DEFAULT_REQUIRE_SIDECAR",
    "RAW_EXTENSIONS",
    "TeamConfig",
    "load_team_config",
    "normalise_extension",
]

# The raw formats of current cameras: Canon, Nikon, Sony, Fujifilm, Olympus/OM, Panasonic,
# Pentax, Samsung, Leica, Hasselblad, Phase One, Sigma.
RAW_EXTENSIONS = (
    ".cr3",
    ".cr2",
    ".nef",
    ".nrw",
    ".arw",
    ".srf",
    ".sr2",
    ".raf",
    ".orf",
    ".rw2",
    ".pef",
    ".srw",
    ".rwl",
    ".3fr",
    ".fff",
    ".iiq",
    ".x3f",
)
DEFAULT_PHOTO_EXTENSIONS = (
    ".dng",
    *RAW_EXTENSIONS,
    ".tiff",
    ".tif",
    ".jpg",
    ".jpeg",
    ".heic",
    ".heif",
    ".hif",
)
DEFAULT_METADATA_EXTENSIONS = (".xmp",)
DEFAULT_REQUIRE_SIDECAR = RAW_EXTENSIONS


def normalise_extension(ext: str) -> str:
    """`CR3`, `.CR3` and ` .cr3 ` all become `.cr3`."""
    ext = ext.strip().lower()
    return ext if ext.startswith(".") else "." + ext


def _unwrap_mapping(value: Any) -> list[dict[str, Any]]:
    """Camera mapping values: a name, a dict, or (nested) lists of dicts; first dict wins later."""
    if isinstance(value, str):
        return [{"name": value}]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        out: list[dict[str, Any]] = []
        for item in value:
            out.extend(_unwrap_mapping(item))
        return out
    raise ValueError(f"expected a name, a mapping or a list of mappings, got {value!r}")


class TeamConfig(BaseModel):
    """What a team tells the analyzers about its files; the defaults are the server's (1.3)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    photo_extensions: tuple[str, ...] = DEFAULT_PHOTO_EXTENSIONS
    metadata_extensions: tuple[str, ...] = DEFAULT_METADATA_EXTENSIONS
    require_sidecar: tuple[str, ...] = DEFAULT_REQUIRE_SIDECAR
    camera_mappings: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    processing_methods: dict[str, str] = Field(default_factory=dict)
    filename_convention: Literal["shuttersense", "camera_defaults"] = Field(
        default="shuttersense",
        description="how names are read without a pipeline: ShutterSense names (AB3D0001.CR3) "
        "or the camera makers' defaults (IMG_1234.JPG, DSC_0042.NEF)",
    )

    @model_validator(mode="before")
    @classmethod
    def _server_names(cls, data: Any) -> Any:
        """The server calls camera mappings `cameras`; accept both names."""
        if isinstance(data, dict) and "cameras" in data:
            data = dict(data)
            data.setdefault("camera_mappings", data.pop("cameras"))
        return data

    @field_validator("photo_extensions", "metadata_extensions", "require_sidecar", mode="before")
    @classmethod
    def _extensions(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple(dict.fromkeys(normalise_extension(str(v)) for v in value))
        return value

    @field_validator("camera_mappings", mode="before")
    @classmethod
    def _mappings(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): _unwrap_mapping(v) for k, v in value.items()}
        return value

    def camera_name(self, camera_id: str) -> str:
        """The `name` of the first mapping entry for the ID, else the ID itself."""
        for entry in self.camera_mappings.get(camera_id, ()):
            name = entry.get("name")
            return str(name) if name else camera_id
        return camera_id

    def method_label(self, method: str) -> str:
        """The description of a processing method keyword, else the keyword itself."""
        return self.processing_methods.get(method) or method

    def hash_fields(self) -> dict[str, Any]:
        """The fields the input-state hash covers (analysis spec 7.1), in their stored order."""
        return {
            "photo_extensions": list(self.photo_extensions),
            "metadata_extensions": list(self.metadata_extensions),
            "require_sidecar": list(self.require_sidecar),
            "camera_mappings": self.camera_mappings,
            "processing_methods": self.processing_methods,
            "filename_convention": self.filename_convention,
        }


def load_team_config(path: Path) -> TeamConfig:
    """Read a team configuration from a JSON or YAML file; raise ConfigError naming the file."""
    try:
        data = read_structured_file(path)
    except StructuredFileError as exc:
        raise ConfigError(f"cannot read config {path}: {exc}", path) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config {path} must be a mapping of settings", path)
    try:
        return TeamConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid config {path}: {problems}", path) from exc
