# comment match. Save prints "-m comment --comment X" where X is printed BARE if it is non-empty and
# consists only of [A-Za-z0-9_-]; otherwise it is wrapped in double quotes and each of  "  \  '  is
# preceded by a backslash (single quote too!). Everything else (spaces, tabs, #, $, UTF-8) is printed raw.
# iptables-restore tokenizer: outside double quotes every char (also backslash and ') is literal and
# whitespace separates words; a double quote opens a quoted part, inside it a backslash escapes ANY next
# char (\" -> ", \\ -> \, \n -> n, \b -> b); the closing quote ENDS the word (a"b c"d -> words "ab c", "d").
# Single quotes are not special. Comments longer than 255 bytes are silently TRUNCATED to 255.
# An unterminated quote swallows the rest of the line INCLUDING the newline: --comment "abc  is stored
# as "abc\n" and iptables-save prints it across two lines:  -m comment --comment "abc<NL>"
# The match cannot be negated; one --comment per -m comment.
# legacy: identical output and the same error messages for every case here.
:INPUT,FORWARD,OUTPUT,fwck_user
-m comment --comment hello;=;OK
-m comment --comment "hello world";=;OK
-m comment --comment a-b_C9;=;OK
-m comment --comment "plain";-m comment --comment plain;OK
-m comment --comment foo.bar;-m comment --comment "foo.bar";OK
-m comment --comment 123;=;OK
-m comment --comment "";=;OK
-m comment --comment " ";=;OK
-m comment --comment "  lead and trail  ";=;OK
-m comment --comment "it's";-m comment --comment "it\'s";OK
-m comment --comment "say \"hi\"";=;OK
-m comment --comment "a\\b";=;OK
-m comment --comment a\\b;-m comment --comment "a\\\\b";OK
-m comment --comment "a\b";-m comment --comment ab;OK
-m comment --comment "new\nline";-m comment --comment newnline;OK
-m comment --comment #hash;-m comment --comment "#hash";OK
-m comment --comment "x,y:z/w";=;OK
-m comment --comment "$HOME `id`";=;OK
-m comment --comment "!";=;OK
-m comment --comment "-j DROP";=;OK
-m comment --comment "ünïcødé";=;OK
-m comment --comment "tab	here";=;OK
-m comment --comment aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;=;OK
-m comment --comment aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;-m comment --comment aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;OK
-m comment --comment bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb;-m comment --comment bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb;OK
-m comment --comment=x;-m comment --comment x;OK
-m comment --comment="a b";-m comment --comment "a b";OK
-m comment --comm x;-m comment --comment x;OK
-j ACCEPT -m comment --comment x;-m comment --comment x -j ACCEPT;OK
-s 1.2.3.4 -m comment --comment x -p tcp --dport 22 -j DROP;-s 1.2.3.4/32 -p tcp -m comment --comment x -m tcp --dport 22 -j DROP;OK
-m comment --comment x -m comment --comment y;=;OK
-m comment --comment 'hello world';;FAIL
-m comment --comment ab"c d";-m comment --comment "abc d";OK
-m comment --comment a"b c"d;;FAIL
-m comment --comment ab\ cd;;FAIL
-m comment ! --comment x;;FAIL
-m comment --comment x --comment y;;FAIL
-m comment;;FAIL
--comment x;;FAIL
