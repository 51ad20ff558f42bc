#!/usr/bin/env python3
"""Lists the C2 compilations of vectornn methods in which a call whose signature carries a Vector
API type (an argument or the return value) was not inlined: every such call boxes its vectors at
run time, i.e. allocates in what should be an allocation-free kernel. Prints one line per
(compiled method, callee, C2's reason) with a count, then the log size read.

    java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=c.log ... ; bench/jit/boxed_calls.py c.log

Reasons seen here: NodeCountInliningCutoff (the compilation passed C2's node budget before the
call was parsed; see inline_budget.py), "already compiled into a big method" (the callee had its
own C2 code above InlineSmallCode first).
"""
import re, sys, collections

s=open(sys.argv[1],errors='replace').read()
out=collections.Counter()
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", s, re.S):
    a=m.group(1); b=m.group(2)
    if "level='" in a and "level='4'" not in a: continue
    meth=re.search(r"method='([^']*)'",a).group(1).replace('/','.')
    if 'vectornn' not in meth: continue
    kl={k.group(1):k.group(2) for k in re.finditer(r"<klass id='(\d+)' name='([^']*)'",b)}
    meths={}
    for mm in re.finditer(r"<method id='(\d+)' holder='(\d+)' name='([^']*)' (?:return='(\d+)' )?(?:arguments='([^']*)' )?",b):
        ids=[mm.group(4) or '']+(mm.group(5) or '').split()
        vec=any('incubator/vector' in kl.get(i,'') or 'incubator.vector' in kl.get(i,'') for i in ids if i)
        holder=kl.get(mm.group(2),'?').replace('/','.')
        # the Vector API's own methods are force-inlined; the ones it leaves out are error paths
        meths[mm.group(1)]=(holder.split('.')[-1]+'.'+mm.group(3), vec and not holder.startswith('jdk.'))
    # a call followed (possibly after other elements) by inline_fail before the next call
    for cm in re.finditer(r"<call method='(\d+)'[^>]*/>(.*?)(?=<call method=|</parse>|$)", b, re.S):
        name,vec=meths.get(cm.group(1),('?',False))
        body=cm.group(2)
        f=re.search(r"<inline_fail reason='([^']*)'",body)
        ok=re.search(r"<inline_success|<intrinsic|late_inline",body)
        if vec and f and not ok:
            out[(meth.split(' ')[0].split('.')[-1]+'.'+meth.split(' ')[1], name, f.group(1))]+=1
for k,v in out.most_common(): print(v,*k)
print('read', len(s), 'bytes of', sys.argv[1])
