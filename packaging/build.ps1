<#
.SYNOPSIS
  Build the standalone PhotoSift for Windows: onedir, smoke test, Inno Setup installer.

.DESCRIPTION
  packaging\build.ps1 [-OnedirOnly] [-NoSmokeTest]

  Environment (all optional):
    PYTHON                 Python with PhotoSift and its dependencies (default:
                           .venv\Scripts\python.exe if it exists, else python).
    PHOTOSIFT_DIST_DIR     where the results go (default: packaging\dist)
    PHOTOSIFT_BUILD_DIR    scratch folder (default: packaging\build)
    ISCC                   path of Inno Setup's ISCC.exe (default: PATH, then Program Files)
    WINDOWS_CERT_PFX_BASE64, WINDOWS_CERT_PASSWORD
                           code-signing certificate (base64 of a .pfx): signs both .exe
                           files and the installer with signtool. Unsigned builds work but
                           SmartScreen warns users on first run.

  Results: dist\PhotoSift\ (PhotoSift.exe = window, photosift-cli.exe = command line)
  and dist\PhotoSift-<version>-windows-x64-setup.exe.

  UNTESTED on this project's Linux CI machine: it runs on the Windows release runner.
#>
[CmdletBinding()]
param(
    [switch]$OnedirOnly,
    [switch]$NoSmokeTest
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Run a program and stop the build if it fails. A simple function (no param block), so
# options such as -m reach the program instead of being parsed by PowerShell.
function Invoke-Checked {
    $exe, $rest = $args
    & $exe @rest
    if ($LASTEXITCODE -ne 0) { throw "$exe $($rest -join ' ') exited $LASTEXITCODE" }
}

# Run Python code; return its trimmed output, or $null if it fails (stderr discarded).
function Invoke-PythonQuery([string]$Code) {
    $saved = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $out = & $Python -c $Code 2>$null
        if ($LASTEXITCODE -ne 0) { return $null }
        return ("$out").Trim()
    } finally {
        $ErrorActionPreference = $saved
    }
}

$Here = $PSScriptRoot
$Root = Split-Path -Parent $Here
$Dist = if ($env:PHOTOSIFT_DIST_DIR) { $env:PHOTOSIFT_DIST_DIR } else { Join-Path $Here 'dist' }
$Build = if ($env:PHOTOSIFT_BUILD_DIR) { $env:PHOTOSIFT_BUILD_DIR } else { Join-Path $Here 'build' }
$Icons = Join-Path $Build 'icons'
$env:PHOTOSIFT_ICON_DIR = $Icons
$VenvPython = Join-Path $Root '.venv\Scripts\python.exe'
$Python = 'python'
if ($env:PYTHON) {
    $Python = $env:PYTHON
} elseif (Test-Path $VenvPython) {
    $Python = $VenvPython
}
$Started = Get-Date
Set-Location $Root

Write-Host "== Build tools"
if ($null -eq (Invoke-PythonQuery 'import PyInstaller')) {
    Invoke-Checked $Python -m pip install --quiet -r (Join-Path $Here 'requirements-build.txt')
}
Invoke-Checked $Python -m PyInstaller --version

$Version = (Select-String -Path (Join-Path $Root 'pyproject.toml') -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value
$Installed = Invoke-PythonQuery "from importlib.metadata import version; print(version('photosift'))"
if ($null -eq $Installed) {
    Write-Host "== Installing PhotoSift $Version"
    Invoke-Checked $Python -m pip install --quiet '.[gui]'
} elseif ($Installed -ne $Version) {
    throw "$Python has PhotoSift $Installed installed but pyproject.toml says $Version; reinstall it first"
}
# The window's Qt is PhotoSift's [gui] extra: an engine-only install would bundle no window.
if ($null -eq (Invoke-PythonQuery 'import PySide6')) {
    throw "$Python has PhotoSift without its window; install it with: pip install -e '.[gui]'"
}

Write-Host "== Icons"
Invoke-Checked $Python (Join-Path $Here 'make_icons.py') $Icons

Write-Host "== PyInstaller (onedir)"
New-Item -ItemType Directory -Force -Path $Dist | Out-Null
foreach ($old in @('PhotoSift', 'PhotoSift-*-windows-*-setup.exe')) {
    Get-ChildItem -Path $Dist -Filter $old -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
}
Invoke-Checked $Python -m PyInstaller --noconfirm --clean --log-level WARN `
    --distpath $Dist --workpath (Join-Path $Build 'pyinstaller') (Join-Path $Here 'photosift.spec')
$App = Join-Path $Dist 'PhotoSift'
$Cli = Join-Path $App 'photosift-cli.exe'

if (-not $NoSmokeTest) {
    Write-Host "== Smoke test"
    $env:QT_QPA_PLATFORM = 'offscreen'
    Invoke-Checked $Python (Join-Path $Here 'smoke_check.py') $Cli
    Invoke-Checked $Cli --version
    Remove-Item Env:\QT_QPA_PLATFORM
}

# Optional code signing with a certificate from the environment.
$SignArgs = $null
$Pfx = $null
try {
    if ($env:WINDOWS_CERT_PFX_BASE64) {
        $SignTool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
            Sort-Object FullName -Descending | Select-Object -First 1
        if (-not $SignTool) { throw "WINDOWS_CERT_PFX_BASE64 is set but signtool.exe was not found" }
        $Pfx = Join-Path ([System.IO.Path]::GetTempPath()) "photosift-sign-$PID.pfx"
        [System.IO.File]::WriteAllBytes($Pfx, [Convert]::FromBase64String($env:WINDOWS_CERT_PFX_BASE64))
        $SignArgs = @('sign', '/f', $Pfx, '/p', $env:WINDOWS_CERT_PASSWORD, '/fd', 'SHA256',
                      '/tr', 'http://timestamp.digicert.com', '/td', 'SHA256')
        Write-Host "== Signing the executables"
        Invoke-Checked $SignTool.FullName @SignArgs (Join-Path $App 'PhotoSift.exe') $Cli
    }

    if (-not $OnedirOnly) {
        Write-Host "== Inno Setup installer"
        $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
        $OnPath = Get-Command ISCC.exe -ErrorAction SilentlyContinue
        if ($env:ISCC) {
            $Iscc = $env:ISCC
        } elseif ($OnPath) {
            $Iscc = $OnPath.Source
        }
        if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 not found (choco install innosetup, or set ISCC)" }
        $IsccArgs = @("/DAppVersion=$Version", "/DSourceDir=$App", "/DOutputDir=$Dist",
                      "/DIconFile=$(Join-Path $Icons 'photosift.ico')")
        if ($SignArgs) {
            $Quoted = ($SignArgs | ForEach-Object { if ($_ -match '\s') { "`$q$_`$q" } else { $_ } }) -join ' '
            $IsccArgs += @('/DSignTool', "/Ssigntool=`$q$($SignTool.FullName)`$q $Quoted `$f")
        }
        Invoke-Checked $Iscc @IsccArgs (Join-Path $Here 'windows\photosift.iss')
    }
} finally {
    if ($Pfx -and (Test-Path $Pfx)) { Remove-Item -Force $Pfx }
}

$Elapsed = [int]((Get-Date) - $Started).TotalSeconds
$SizeMB = [math]::Round(((Get-ChildItem -Recurse -File $App | Measure-Object Length -Sum).Sum / 1MB), 1)
Write-Host "== Done in $Elapsed s; onedir $SizeMB MB"
Get-ChildItem -Path $Dist -Filter 'PhotoSift-*-setup.exe' | ForEach-Object {
    Write-Host ("{0}: {1:N1} MB" -f $_.Name, ($_.Length / 1MB))
}
