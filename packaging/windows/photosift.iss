; Inno Setup 6 script: a per-user installer around the PyInstaller onedir build.
; No administrator rights needed: it installs to %LOCALAPPDATA%\Programs\PhotoSift,
; adds a Start menu entry and an uninstaller (Settings > Apps). An administrator can
; still choose "install for all users" in the first dialog.
;
; Built by packaging\build.ps1:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=...\dist\PhotoSift /DOutputDir=...\dist
;            /DIconFile=...\photosift.ico packaging\windows\photosift.iss
; UNTESTED on this project's Linux CI machine: it runs on the Windows release runner.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (packaging\build.ps1 does)
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\PhotoSift"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\build\icons\photosift.ico"
#endif

[Setup]
; The AppId identifies PhotoSift for upgrades and uninstall: never change it.
AppId={{6A0F3C52-8E4B-4C1D-9B7A-52D3E1F0A9C4}
AppName=PhotoSift
AppVersion={#AppVersion}
AppVerName=PhotoSift {#AppVersion}
AppPublisher=PhotoSift developers
AppPublisherURL=https://github.com/photosift/photosift
DefaultDirName={autopf}\PhotoSift
DefaultGroupName=PhotoSift
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=PhotoSift-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\PhotoSift.exe
UninstallDisplayName=PhotoSift
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
; Signing (optional): build.ps1 passes /Ssigntool=... when a certificate is configured.
#ifdef SignTool
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"
Name: "italian"; MessagesFile: "compiler:Languages\Italian.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale: no stale DLL from an older version.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\PhotoSift"; Filename: "{app}\PhotoSift.exe"; Comment: "Find duplicate photos and keep the best copy"
Name: "{autodesktop}\PhotoSift"; Filename: "{app}\PhotoSift.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\PhotoSift.exe"; Description: "{cm:LaunchProgram,PhotoSift}"; Flags: nowait postinstall skipifsilent
