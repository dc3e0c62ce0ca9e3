#!/bin/sh
# common-passwords.sh: regenerate src/domain/common_passwords.inc from the zxcvbn frequency
# list (Debian package python3-zxcvbn): the common passwords kapka refuses, 10+ characters.
set -eu
cd "$(dirname "$0")/.."
/usr/bin/python3 - <<'PY'
from zxcvbn.frequency_lists import FREQUENCY_LISTS as F
l = sorted(set(x.lower() for x in F['passwords'] if 10 <= len(x) <= 64 and all(32 < ord(c) < 127 for c in x)))
out = ['/* common_passwords.inc: passwords of 10 or more characters from the 30,000 most common',
       ' * (zxcvbn 4.4.28 frequency list "passwords", MIT licence; Debian package python3-zxcvbn),',
       ' * lower case, sorted (bsearch). Regenerate with tools/common-passwords.sh. */']
out += ['"%s",' % x.replace('\\', '\\\\').replace('"', '\\"') for x in l]
open('src/domain/common_passwords.inc', 'w').write('\n'.join(out) + '\n')
PY
