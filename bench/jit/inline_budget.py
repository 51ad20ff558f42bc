#!/usr/bin/env python3
"""For each C2 compilation of a dev.vectornn.kernel method: the IR node count (C2's unique())
when its last call to one of our own (non-force-inline) methods was parsed, and which call that
was. C2 stops inlining such calls past NodeCountInliningCutoff (18000 in JDK 25); a vector helper
left as a call boxes every vector (boxed_calls.py lists those). The highest first.

    bench/jit/inline_budget.py c.log    (a -XX:+LogCompilation log, see boxed_calls.py)
"""
import re, sys
s=open(sys.argv[1],errors='replace').read()
best={}
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", s, re.S):
    a=m.group(1); b=m.group(2)
    if "level='" in a and "level='4'" not in a: continue
    meth=re.search(r"method='([^']*)'",a).group(1).replace('/','.')
    if 'vectornn.kernel' not in meth: continue
    names={mm.group(1):(mm.group(2)) for mm in re.finditer(r"<method id='(\d+)' holder='\d+' name='([^']*)'",b)}
    holder={mm.group(1):mm.group(2) for mm in re.finditer(r"<method id='(\d+)' holder='(\d+)'",b)}
    kl={kk.group(1):kk.group(2).replace('/','.') for kk in re.finditer(r"<klass id='(\d+)' name='([^']*)'",b)}
    last=0; worst=(0,'')
    for t in re.finditer(r"<parse_done[^>]*nodes='(\d+)'|<parse method='(\d+)'|<call method='(\d+)'",b):
        if t.group(1): last=int(t.group(1))
        elif t.group(2): pass
        else:
            mid=t.group(3); k=kl.get(holder.get(mid),'')
            if 'vectornn' in k and last>worst[0]: worst=(last, k.split('.')[-1]+'.'+names.get(mid,'?'))
    key=meth.split(' ')[0].split('.')[-1]+'.'+meth.split(' ')[1]+(' osr' if 'osr' in a else '')
    if worst[0] > best.get(key,(0,''))[0]: best[key]=worst
for k,(n,c) in sorted(best.items(), key=lambda t:-t[1][0])[:30]: print(f"{n:6d}  {k:40s} last own call: {c}")
