; Inno Setup 6 script for mailhop's Windows installer, from PyInstaller's one-folder build.
; `python -m installer.bundle windows` (installer/README.md) builds the folder and runs
;   iscc /DAppVersion=<version> /DSourceDir=<build\bundle\dist\mailhop-onedir>
;        /DIconFile=<build\bundle\icons\mailhop.ico> /O<dist> installer\windows\mailhop.iss
; mailhop.exe is the window (no console), mailhop-cli.exe the same program for a terminal.

#ifndef AppVersion
  #error Pass /DAppVersion=<version> (python -m installer.bundle windows does)
#endif
#ifndef SourceDir
  #error Pass /DSourceDir=<the PyInstaller one-folder build>
#endif
#ifndef IconFile
  #error Pass /DIconFile=<mailhop.ico made by installer/icons.py>
#endif

[Setup]
; A fixed AppId: upgrades replace the old version instead of installing beside it.
AppId={{6F1C2A7E-3B7D-4E8A-9C2E-5D4B1A0F7C31}
AppName=mailhop
AppVersion={#AppVersion}
AppPublisher=the mailhop developers
DefaultDirName={autopf}\mailhop
DefaultGroupName=mailhop
DisableProgramGroupPage=yes
; Per-user by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename=mailhop-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\mailhop.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add mailhop-cli to PATH (the command line in a terminal)"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\mailhop"; Filename: "{app}\mailhop.exe"
Name: "{autodesktop}\mailhop"; Filename: "{app}\mailhop.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\mailhop.exe"; Description: "{cm:LaunchProgram,mailhop}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Folder: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
    Paths := '';
  Result := Pos(';' + Uppercase(Folder) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
