; Inno Setup script for the Windows installer. packaging/build.py runs it with
;   iscc /DAppVersion=X.Y.Z packaging\windows\scholar-desk.iss
; after PyInstaller has written dist\scholar-desk\.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F4C1D52-2B7E-4C39-9A51-5C3C6A0E9D21}
AppName=Scholar Desk
AppVersion={#AppVersion}
AppPublisher=The Scholar Desk team
DefaultDirName={autopf}\Scholar Desk
DefaultGroupName=Scholar Desk
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=scholar-desk-{#AppVersion}-windows-setup
SetupIconFile=..\icons\scholar-desk.ico
UninstallDisplayIcon={app}\scholar-desk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
LicenseFile=..\..\LICENSE

[Files]
Source: "..\..\dist\scholar-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Scholar Desk"; Filename: "{app}\scholar-desk.exe"
Name: "{autodesktop}\Scholar Desk"; Filename: "{app}\scholar-desk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
Root: HKA; Subkey: "Software\Classes\.bib\OpenWithProgids"; ValueType: string; ValueName: "ScholarDesk.References"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.ris\OpenWithProgids"; ValueType: string; ValueName: "ScholarDesk.References"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.nbib\OpenWithProgids"; ValueType: string; ValueName: "ScholarDesk.References"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\ScholarDesk.References"; ValueType: string; ValueName: ""; ValueData: "Reference file"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\ScholarDesk.References\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\scholar-desk.exe"" ""%1"""

[Run]
Filename: "{app}\scholar-desk.exe"; Description: "Open Scholar Desk"; Flags: nowait postinstall skipifsilent
