"""Domain objects of the engine: plain frozen dataclasses, no I/O, no Qt.

Everything the window, the command line, the reports and the trash code know
about a scan is one of these. They serialise to JSON through `cleaner.resultio`.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleaner.i18n import N_


@dataclass(frozen=True, slots=True)
class PerceptualHash:
    """A 64-bit perceptual hash. `a - b` is the Hamming distance, as in ImageHash."""

    value: int
    bits: int = 64

    def __sub__(self, other: PerceptualHash) -> int:
        if self.bits != other.bits:
            raise ValueError(f"cannot compare a {self.bits}-bit hash with a {other.bits}-bit one")
        return (self.value ^ other.value).bit_count()

    def __str__(self) -> str:
        return self.hex()

    def hex(self) -> str:
        return f"{self.value:0{self.bits // 4}x}"

    @classmethod
    def from_hex(cls, text: str) -> PerceptualHash:
        return cls(int(text, 16), len(text) * 4)


@dataclass(frozen=True, slots=True)
class Sidecar:
    """A file beside a picture that belongs to it (XMP, Apple .AAE, .THM), as the scan saw
    it. `cleaner.sidecars` finds them; they move to the trash with their picture."""

    path: str
    size: int
    mtime_ns: int
    device: int
    inode: int
    # Other pictures in the folder that use the same sidecar (IMG_1234.CR2 and IMG_1234.JPG
    # share IMG_1234.xmp): it moves only when none of them stays.
    shared_with: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file found by the walk. Hard links to the same inode are one entry."""

    path: str  # os.fsdecode() spelling: a non-UTF-8 byte is a lone surrogate
    size: int
    mtime_ns: int
    device: int
    inode: int
    # Other names of the same inode met during the walk (hard links). They share the bytes,
    # so removing one frees nothing: never counted as reclaimable space.
    hardlinks: tuple[str, ...] = ()
    nlink: int = 1  # the file system's link count, which sees links outside the scan too
    sidecars: tuple[Sidecar, ...] = ()  # recorded for group members only, at score time

    @property
    def frees_space(self) -> bool:
        """Whether moving this file away gives its bytes back (False for hard-linked files)."""
        return self.nlink <= 1 and not self.hardlinks


class SkipReason(str, enum.Enum):
    """Why a file is not part of the result. The value is stable (it goes into JSON)."""

    EMPTY = "empty"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED = "unsupported"
    CORRUPT = "corrupt"
    TRUNCATED = "truncated"
    TOO_LARGE = "too_large"
    PERMISSION_DENIED = "permission_denied"
    VANISHED = "vanished"
    UNREADABLE = "unreadable"
    SYMLINK = "symlink"
    SYMLINK_LOOP = "symlink_loop"
    FOLDER_UNREADABLE = "folder_unreadable"
    NOT_A_FILE = "not_a_file"
    NAME_ENDS_WITH_SPACE = "name_ends_with_space"
    TOO_SMALL = "too_small"  # under the smallest file size or dimensions the user set

    @property
    def label(self) -> str:
        """In English, as result files store it; `_(label)` where it is shown."""
        return _SKIP_LABELS[self]


_SKIP_LABELS = {
    SkipReason.EMPTY: N_("empty file (0 bytes)"),
    SkipReason.NOT_AN_IMAGE: N_("not a picture (contents are not an image format)"),
    SkipReason.UNSUPPORTED: N_("picture format not supported"),
    SkipReason.CORRUPT: N_("damaged picture (could not be decoded)"),
    SkipReason.TRUNCATED: N_("incomplete picture (file is cut short)"),
    SkipReason.TOO_LARGE: N_("too large to open safely"),
    SkipReason.PERMISSION_DENIED: N_("permission denied"),
    SkipReason.VANISHED: N_("file disappeared during the scan"),
    SkipReason.UNREADABLE: N_("could not be read"),
    SkipReason.SYMLINK: N_("shortcut (symbolic link) not followed"),
    SkipReason.SYMLINK_LOOP: N_("shortcut loop"),
    SkipReason.FOLDER_UNREADABLE: N_("folder could not be opened"),
    SkipReason.NOT_A_FILE: N_("not a regular file (a pipe, device or socket)"),
    SkipReason.NAME_ENDS_WITH_SPACE: N_("name ends with a space; rename it to include it"),
    SkipReason.TOO_SMALL: N_("smaller than the minimum size you set"),
}


class DamageReason(str, enum.Enum):
    """Why a picture that still decodes is damaged. The value is stable (it goes into JSON).

    A damaged file is still grouped, so its intact copies are found, but it is never
    chosen to keep over an intact copy. Damage that stops the decoder makes the file
    a skipped one instead (`SkipReason.CORRUPT` or `SkipReason.TRUNCATED`)."""

    PNG_CHECKSUM = "png_checksum"
    JPEG_CORRUPT_DATA = "jpeg_corrupt_data"
    TRUNCATED = "truncated"

    @property
    def label(self) -> str:
        """In English, as result files store it; `_(label)` where it is shown."""
        return _DAMAGE_LABELS[self]


_DAMAGE_LABELS = {
    DamageReason.PNG_CHECKSUM: N_("damaged: a checksum inside the PNG file does not match"),
    DamageReason.JPEG_CORRUPT_DATA: N_("damaged: the JPEG picture data is corrupt"),
    DamageReason.TRUNCATED: N_("damaged: the file is cut short (its end is missing)"),
}


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str
    reason: SkipReason
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.reason.label}: {self.detail}" if self.detail else self.reason.label


class TimeSource(str, enum.Enum):
    """Which EXIF tag a picture's capture time was read from. The value is stable (it
    goes into JSON, the fingerprint cache and catalogs)."""

    ORIGINAL = "original"  # DateTimeOriginal (0x9003): when the shutter fired
    DIGITIZED = "digitized"  # DateTimeDigitized (0x9004): when it was scanned or stored
    MODIFIED = "modified"  # DateTime (0x0132): when the file was last written; editors
    # rewrite it on save, so it dates the file, not the moment of capture

    @property
    def moment_of_capture(self) -> bool:
        """The tag dates the capture itself (an edited copy keeps it), not the file."""
        return self in (TimeSource.ORIGINAL, TimeSource.DIGITIZED)


@dataclass(frozen=True, slots=True)
class ImageMetrics:
    """What the small decode and the header say about one picture.

    Width and height are as displayed, after EXIF orientation is applied.
    """

    format: str  # Pillow's format name: JPEG, PNG, TIFF, WEBP, GIF, BMP, HEIF, AVIF, RAW
    width: int
    height: int
    lossless: bool
    jpeg_quality: int | None  # estimated from the quantisation tables, 1-100
    sharpness: float  # variance of the Laplacian at a fixed analysis size
    detail: float  # standard deviation of the 32x32 grey thumbnail, 0-127
    capture_time: str | None  # EXIF DateTimeOriginal (else Digitized, else DateTime) as
    # "YYYY-MM-DD HH:MM:SS"; `capture_time_source` says which
    camera: str | None  # "Make Model"
    has_gps: bool
    has_exif: bool
    looks_like_screenshot: bool
    looks_like_export: bool
    orientation: int = 1  # the EXIF orientation that was applied (1 = none)
    damage: DamageReason | None = None  # the file is damaged although it decodes
    damage_detail: str = ""  # where, in technical words ("bad CRC in IDAT chunk at byte 812")
    # distinct colours of a lossless picture when it has 256 or fewer and is not grey (a
    # palette PNG or GIF); None for full-colour, grey and lossy pictures
    colour_count: int | None = None
    # where `capture_time` came from; None without a time, and in metrics stored before
    # it was recorded (a cache, result or catalog of an earlier PhotoSift), whose time is
    # then taken as it was
    capture_time_source: TimeSource | None = None

    @property
    def damaged(self) -> bool:
        return self.damage is not None

    @property
    def damage_message(self) -> str:
        """The damage in words, or "" for an intact file."""
        if self.damage is None:
            return ""
        return (
            f"{self.damage.label} ({self.damage_detail})"
            if self.damage_detail
            else self.damage.label
        )

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def megapixels(self) -> float:
        return self.pixels / 1_000_000

    @property
    def low_detail(self) -> bool:
        return self.detail < LOW_DETAIL_STD


# A 32x32 grey thumbnail whose standard deviation is under this is near-blank
# (a white page, a grey sky): plain perceptual hashes collide on such pictures,
# so their matches need the stronger check in `cleaner.detect.checks`.
LOW_DETAIL_STD = 14.0


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The perceptual fingerprint of one picture.

    `hash_bytes` packs (8 bytes each, big-endian) the pHash of the picture as displayed
    and of its seven other rotations/mirrorings (the dihedral group), in
    `cleaner.detect.fingerprint.TRANSFORMS` order, then the pHash of each crop window
    (`cleaner.detect.fingerprint.CROP_WINDOWS`). `hashes` unpacks the first eight, `hashes[0]`
    being the picture as displayed; `crop_hashes` the rest. Packed, a million
    fingerprints take 300 MB less than as Python ints. `thumb` is a 16x16 grey
    thumbnail (256 bytes) used to confirm candidate matches; `detail_map` is a 64x64
    grey thumbnail kept only for low-detail pictures, where the stronger check needs it;
    `colour` the picture's colour on a 4x4 grid (`cleaner.detect.fingerprint.colour_signature`,
    32 bytes; empty for a grey picture), since every hash and thumbnail is grey.
    """

    hash_bytes: bytes
    thumb: bytes
    detail_map: bytes | None = None
    colour: bytes = b""

    @classmethod
    def from_hashes(
        cls,
        hashes: Sequence[int],
        thumb: bytes,
        detail_map: bytes | None = None,
        crop_hashes: Sequence[int] = (),
        colour: bytes = b"",
    ) -> Fingerprint:
        packed = b"".join(h.to_bytes(8, "big") for h in (*hashes, *crop_hashes))
        return cls(packed, thumb, detail_map, colour)

    @property
    def hashes(self) -> tuple[int, ...]:
        return _unpack(self.hash_bytes[:DIHEDRAL_BYTES])

    @property
    def crop_hashes(self) -> tuple[int, ...]:
        return _unpack(self.hash_bytes[DIHEDRAL_BYTES:])

    @property
    def phash(self) -> PerceptualHash:
        return PerceptualHash(int.from_bytes(self.hash_bytes[:8], "big"))


DIHEDRAL_BYTES = 8 * 8  # eight 64-bit hashes: the picture turned and mirrored every way


def _unpack(data: bytes) -> tuple[int, ...]:
    # one C call for the whole row: scoring a set unpacks every member's hashes
    # (`picture_distance`), two million members at 10M catalog rows
    if len(data) % 8 == 0:
        return struct.unpack(f">{len(data) // 8}Q", data)
    return tuple(int.from_bytes(data[k : k + 8], "big") for k in range(0, len(data), 8))


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything computed for one file; the unit the cache stores."""

    metrics: ImageMetrics
    fingerprint: Fingerprint


class GroupKind(str, enum.Enum):
    EXACT = "exact"  # byte-identical files only
    SIMILAR = "similar"  # the same picture in different files


# `KeptOver.criterion` values that are no criterion of the table (`cleaner.keep.criteria`):
# what comes before the criteria and what comes after them.
KEPT_OVER_DAMAGED = "damaged"  # this copy is damaged, the keeper is intact
KEPT_OVER_PROTECTED = "protected"  # the keeper is in a protected folder, this copy is not
KEPT_OVER_TIE = "tie"  # equal on every criterion: the keeper's path comes first
KEPT_OVER_SPECIAL = (KEPT_OVER_DAMAGED, KEPT_OVER_PROTECTED, KEPT_OVER_TIE)


# One argument of a `Phrase`: text as written (a camera model, a folder's name) or a
# number (a JPEG quality, a size in bytes, a time in nanoseconds)
PhraseArg = str | int | float


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase of a copy's value on a keeper criterion, as a code and raw values, so
    that it is said in the user's language when shown (`cleaner.phrases`): ("jpeg_quality",
    quality=85) is "JPEG quality 85" / "calidad JPEG 85". A value of several phrases
    ("camera data (X100V), capture date, GPS") is a tuple of them, said joined by ", "."""

    code: str
    args: tuple[tuple[str, PhraseArg], ...] = ()

    def arg(self, name: str) -> PhraseArg | None:
        return next((v for k, v in self.args if k == name), None)


@dataclass(frozen=True, slots=True)
class KeptOver:
    """Why the keeper was chosen over one other copy: the first thing, in the user's order
    of criteria, on which the keeper is better, with both copies' values in words
    ("path_rules", "in a preferred folder (Originals)", "in an avoided folder (Downloads)").

    `criterion` is a criterion key of `cleaner.keep.criteria`, or one of
    `KEPT_OVER_SPECIAL`: "damaged" (checked before every criterion), "protected" (the
    keeper is in a protected folder) or "tie" (equal on every criterion; the values are
    then the two files' folder and name, and the keeper's comes first)."""

    criterion: str
    keeper_value: str
    copy_value: str
    # the two values as phrases (`Phrase`), when the engine composed them; () for a fixed
    # phrase, a value without words ("6000x4000") and results saved before they existed.
    # The same values in another form: not compared (two reasons that say the same are
    # equal, whether or not one was saved before phrases were recorded)
    keeper_phrases: tuple[Phrase, ...] = field(default=(), compare=False)
    copy_phrases: tuple[Phrase, ...] = field(default=(), compare=False)

    @property
    def summary(self) -> str:
        """Both values in one phrase: "2560x1600 vs. 1024x640"; for a tie, that it is one."""
        if self.criterion == KEPT_OVER_TIE:
            return N_("equal on every criterion; the kept copy comes first by name")
        return f"{self.keeper_value} vs. {self.copy_value}"


# The eight turns and mirrorings, in `Fingerprint.hashes` order (and in the order of
# `cleaner.detect.fingerprint.TRANSFORMS`, which a test checks): `MatchEvidence.transform`
# and the result file name one of these.
TRANSFORM_NAMES = (
    "identity", "rotate90", "rotate180", "rotate270",
    "mirror", "mirror+rotate90", "mirror+rotate180", "mirror+rotate270",
)  # fmt: skip


class MatchKind(str, enum.Enum):
    """What a copy is, next to the copy it was compared with (`MatchEvidence.against`).
    The value is stable (it goes into JSON); `cleaner.humanize.match_words` says it."""

    EXACT = "exact"  # the same bytes (found by the file digest, not by the picture)
    RESAVED = "resaved"  # the same picture, same pixel size and format: saved again
    RESIZED = "resized"  # the same picture at another pixel size
    CONVERTED = "converted"  # the same picture, same size, in another file format
    SQUASHED = "squashed"  # resized without keeping its proportions
    TURNED = "turned"  # turned by 90, 180 or 270 degrees (`MatchEvidence.transform`)
    MIRRORED = "mirrored"  # mirrored, maybe turned as well
    CROPPED = "cropped"  # this copy shows a part of the other (`MatchEvidence.window`)
    UNCROPPED = "uncropped"  # the other copy shows a part of this one


class MatchSearch(str, enum.Enum):
    """Which search found a pair. The value is stable (it goes into JSON)."""

    DIGEST = "digest"  # same SHA-256: exact copies
    HASH = "hash"  # the pictures' perceptual hashes (turned and mirrored ones too)
    CROP = "crop"  # the hash of a window of one picture against the other's
    SMOOTH = "smooth"  # the second search for smooth pictures (thumbnail SimHash)


@dataclass(frozen=True, slots=True)
class MatchEvidence:
    """What matched between a copy and the copy it was compared with, `against`: the
    set's keeper when the copy was matched to it directly, else the picture the set was
    built around (every copy of a set matched that one directly, see
    `cleaner.detect.grouping`). Codes and numbers only: `cleaner.humanize.match_words`
    turns them into words.

    `transform` (one of `TRANSFORM_NAMES`) turns `against` into this copy. `distance` is
    how many of the 64 bits of the perceptual hashes differ (of the window for a crop);
    `correlation` (-1 to 1) how alike the 16x16 grey thumbnails are (the window and the
    cropped copy, reduced to 8x8, for a crop; the 64x64 fine-detail maps when `detail`:
    a plain picture is compared on its fine detail). Both are None for an exact copy.
    `window` (left, top, right, bottom as fractions) is the part of the larger picture
    that the cropped one shows."""

    kind: MatchKind
    against: str
    search: MatchSearch = MatchSearch.HASH
    transform: str = "identity"
    distance: int | None = None
    correlation: float | None = None
    detail: bool = False
    window: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class GroupMember:
    entry: FileEntry
    metrics: ImageMetrics | None  # None for an exact copy that no decoder can read
    sha256: str | None
    quality: int  # 0-100
    distance: int  # Hamming distance of the pHash to the keeper's; 0 for exact copies
    is_keeper: bool
    protected: bool = False  # inside a protected folder: never suggested for removal
    suggested_remove: bool = False
    # why the keeper was chosen over this copy; None for the keeper, and for every copy
    # of a result saved before this was recorded
    kept_over: KeptOver | None = None
    # what matched between this copy and the keeper (or the picture its set was built
    # around); None for the keeper, and for every copy of a result saved before this was
    # recorded
    match: MatchEvidence | None = None

    @property
    def path(self) -> str:
        return self.entry.path


# The codes of a stored keeper reason (`KeeperReasonParts.code`).
REASON_ONLY_COPY = "only_copy"
REASON_ONLY_INTACT = "only_intact"
REASON_PROTECTED = "protected"
REASON_IDENTICAL = "identical"
REASON_CRITERION = "criterion"  # a criterion decided: `criterion` names it
REASON_CODES = (
    REASON_ONLY_COPY,
    REASON_ONLY_INTACT,
    REASON_PROTECTED,
    REASON_IDENTICAL,
    REASON_CRITERION,
)


@dataclass(frozen=True, slots=True)
class KeeperReasonParts:
    """A group's keeper reason as a code and values, so that it is said in the user's
    language when shown (`cleaner.keep.reason_text`); `DuplicateGroup.reason` keeps the
    same reason as one English sentence for people and scripts reading the file.

    The values are the engine's English words for each copy ("6000x4000", "an
    original"): a marked phrase is translated when shown, a composed one ("JPEG quality
    85") is said from its phrases (`keeper_phrases`, `others_phrases`)."""

    code: str  # one of REASON_CODES
    criterion: str = ""  # the deciding criterion's key, for REASON_CRITERION
    keeper: str = ""  # the keeper's value on that criterion
    note: str = ""  # what the keeper's value adds (", original camera data")
    others: tuple[str, ...] = ()  # the beaten copies' values, at most 3, sorted
    more: bool = False  # more values than `others` holds
    beaten: int = 0  # how many copies the deciding criterion beat
    of: int = 0  # how many other copies the reason speaks of
    differ_by: tuple[str, ...] = ()  # the other criteria the losing copies differ by
    damaged: int = 0  # how many other copies are damaged (they lost on that first)
    damaged_of: int = 0  # of how many other copies
    damage: tuple[str, ...] = ()  # their kinds of damage, `DamageReason` codes, sorted
    # `keeper` and each of `others` as phrases when the engine composed them ("JPEG
    # quality 85"); () for a fixed phrase or a value without words, and in results saved
    # before they existed (then the English value is shown as stored)
    keeper_phrases: tuple[Phrase, ...] = ()
    others_phrases: tuple[tuple[Phrase, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    id: int
    kind: GroupKind
    members: tuple[GroupMember, ...]
    reason: str  # in words: why the keeper was picked
    deciding_criterion: str | None  # the key of the criterion that decided, None if all tied
    # the same reason as a code and values, to say it in the user's language; None in a
    # result saved before it was recorded (its `reason` is then shown as stored)
    reason_parts: KeeperReasonParts | None = None

    @property
    def keeper(self) -> GroupMember:
        return next(m for m in self.members if m.is_keeper)

    @property
    def reclaimable_bytes(self) -> int:
        return sum(m.entry.size for m in self.members if m.suggested_remove and m.entry.frees_space)

    @property
    def size(self) -> int:
        return len(self.members)


class Similarity(str, enum.Enum):
    """Presets a non-programmer can pick. `THRESHOLDS` below maps them."""

    IDENTICAL = "identical"
    SAME = "same"
    SIMILAR = "similar"
    LOOSE = "loose"

    @property
    def label(self) -> str:
        return {
            Similarity.IDENTICAL: N_("Identical files"),
            Similarity.SAME: N_("Same picture"),
            Similarity.SIMILAR: N_("Similar"),
            Similarity.LOOSE: N_("Loose"),
        }[self]


# The presets' numbers live beside the presets, so that the report can state a preset's
# distance without reaching into detection (`cleaner.detect.checks` applies them).
@dataclass(frozen=True, slots=True)
class Thresholds:
    hamming: int  # largest pHash distance (of 64 bits) for a candidate
    correlation: float  # smallest thumbnail correlation for a match
    detail_correlation: float  # smallest high-pass correlation when a side is low-detail
    aspect_tolerance: float  # largest |log(aspect ratio a / aspect ratio b)|
    crop_hamming: int  # largest distance from a crop-window hash to a picture's hash
    crop_correlation: float  # smallest 8x8 correlation of the window with the other picture
    colour_tolerance: float  # largest mean |Cb/Cr difference| (0-255) of two colour pictures
    # largest difference (0-255) of grey level in most (90 %) of the 16x16 thumbnail cells
    # of two flat pictures (nothing but tone: a white and a black page are two pictures);
    # low-detail pictures whose marks line up may differ five times as much (a darker copy)
    tone_tolerance: float


THRESHOLDS: dict[Similarity, Thresholds] = {
    Similarity.SAME: Thresholds(hamming=10, correlation=0.90, detail_correlation=0.80,
                                aspect_tolerance=0.25, crop_hamming=10, crop_correlation=0.85,
                                colour_tolerance=16.0, tone_tolerance=8.0),
    Similarity.SIMILAR: Thresholds(hamming=16, correlation=0.80, detail_correlation=0.70,
                                   aspect_tolerance=0.40, crop_hamming=12, crop_correlation=0.75,
                                   colour_tolerance=24.0, tone_tolerance=12.0),
    Similarity.LOOSE: Thresholds(hamming=20, correlation=0.65, detail_correlation=0.60,
                                 aspect_tolerance=0.70, crop_hamming=14, crop_correlation=0.60,
                                 colour_tolerance=40.0, tone_tolerance=16.0),
}  # fmt: skip


# Twice Pillow's warning level: the size at which Pillow itself refuses a picture.
DEFAULT_MAX_PIXELS = 178_956_970


@dataclass(frozen=True, slots=True)
class ScanSettings:
    roots: tuple[str, ...]
    similarity: Similarity = Similarity.SAME
    threshold: int | None = None  # overrides the preset's Hamming threshold (0-32)
    rotations: bool = True  # also match rotated (90/180/270) and mirrored copies
    excludes: tuple[str, ...] = ()  # glob patterns on names or root-relative paths
    follow_symlinks: bool = False
    protected: tuple[str, ...] = ()  # folders whose files are never suggested for removal
    max_pixels: int = DEFAULT_MAX_PIXELS  # larger pictures are skipped as too large
    workers: int = 0  # 0: one per core
    criteria: tuple[str, ...] = ()  # keeper criteria keys in order; () = the default order
    prefer_paths: tuple[str, ...] = ("originals",)  # path fragments that win a tie
    avoid_paths: tuple[str, ...] = ()  # extra fragments that lose a tie (defaults built in)
    # Smaller files are left out by the walk (0: none); pictures whose width and height,
    # either way round, are under min_width x min_height are left out once decoded.
    min_file_size: int = 0  # bytes
    min_width: int = 0  # pixels
    min_height: int = 0  # pixels

    def __post_init__(self) -> None:
        for name in ("min_file_size", "min_width", "min_height"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a whole number, 0 or more, not {value!r}")

    def below_min_dimensions(self, width: int, height: int) -> bool:
        """Whether a width x height picture is under the smallest dimensions, turned
        either way (a 600x800 portrait passes an 800x600 minimum)."""
        if not (self.min_width or self.min_height):
            return False
        short_min, long_min = sorted((self.min_width, self.min_height))
        short, long = sorted((width, height))
        return short < short_min or long < long_min


@dataclass(frozen=True, slots=True)
class ScanStats:
    files_seen: int = 0
    bytes_seen: int = 0
    images: int = 0
    skipped: int = 0
    groups: int = 0
    redundant_copies: int = 0
    reclaimable_bytes: int = 0
    hardlinks: int = 0
    cache_hits: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ScanResult:
    settings: ScanSettings
    groups: tuple[DuplicateGroup, ...]
    skipped: tuple[SkippedFile, ...]
    stats: ScanStats
    started_at: str  # ISO 8601 with time zone
    finished_at: str
    app_version: str
    machine: str
    cancelled: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def from_catalogs(self) -> bool:
        """A result of `photosift scan --catalog`: its paths are labelled (LABEL:RELPATH),
        files on other machines, never local paths to open, move or delete."""
        return self.extra.get("source") == "catalogs"
