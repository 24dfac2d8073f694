"""MACTCPconst - symbolic names for the numbers used by the mactcp module.

The event codes an asr receives, the termination reasons that come with
TCPTerminate, the MacTCP error codes carried by mactcp.error (as e.args[0]),
and the connection states of a TCP status object's connectionState.  The
names and values are those of MacPython's MACTCPconst and Apple's MacTCP
interface; the connection-state names follow Apple's MacTCP Programmer's
Guide.  See Doc/MACTCPconst.rst.
"""

#
# UDP asr event codes: asr(event)
#
UDPDataArrival = 1
UDPICMPReceived = 2

#
# TCP asr event codes: asr(event, detail)
#
TCPClosing = 1
TCPULPTimeout = 2
TCPTerminate = 3
TCPDataArrival = 4
TCPUrgent = 5
TCPICMPReceived = 6
PassiveOpenDone = 32766  # python only

#
# TCP termination reasons: the detail that comes with TCPTerminate
#
TCPRemoteAbort = 2
TCPNetworkFailure = 3
TCPSecPrecMismatch = 4
TCPULPTimeoutTerminate = 5
TCPULPAbort = 6
TCPULPClose = 7
TCPServiceError = 8

#
# MacTCP error codes: mactcp.error(code, message)
#
ipBadLapErr = -23000
ipBadCnfgErr = -23001
ipNoCnfgErr = -23002
ipLoadErr = -23003
ipBadAddr = -23004
connectionClosing = -23005
invalidLength = -23006
connectionExists = -23007
connectionDoesntExist = -23008
insufficientResources = -23009
invalidStreamPtr = -23010
streamAlreadyOpen = -23011
connectionTerminated = -23012
invalidBufPtr = -23013
invalidRDS = -23014
invalidWDS = -23014
openFailed = -23015
commandTimeout = -23016
duplicateSocket = -23017
ipDontFragErr = -23032
ipDestDeadErr = -23033
icmpEchoTimeoutErr = -23035
ipNoFragMemErr = -23036
ipRouteErr = -23037
nameSyntaxErr = -23041
cacheFault = -23042
noResultProc = -23043
noNameServer = -23044
authNameErr = -23045
noAnsErr = -23046
dnrErr = -23047
outOfMemory = -23048

#
# TCP connection states: a status object's connectionState
#
Closed = 0
Listen = 2
SYNReceived = 4
SYNSent = 6
Established = 8
FINWait1 = 10
FINWait2 = 12
CloseWait = 14
Closing = 16
LastAck = 18
TimeWait = 20
