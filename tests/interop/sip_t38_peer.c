/*
 * sip_t38_peer: a minimal SIP side for the spandsp T.38 harness (FaxPost issue 5), written for the
 * tests: an answering SIP user agent over UDP that knows just enough of RFC 3261 and RFC 3264 to
 * take one fax call, independently of FaxPost's own SIP stack.
 *
 *   sip_t38_peer --sip PORT --harness PATH --file OUT.tif [--timeout SECONDS] [--ident S]
 *
 * It answers an INVITE (audio offer: G.711 answer; image offer: T.38 answer), accepts the caller's
 * re-INVITE to m=image udptl t38, and once T.38 is agreed starts `spandsp_t38 receive` with the
 * caller's UDPTL address as --remote and its own port as --local (stdout is the harness's, so the
 * PHASE_E line reaches the test). BYE gets 200. Responses go back to where each request came from
 * (the proxy, when one is in the path). Exit code: the harness's, or 10 on a SIP failure, 11 on timeout.
 *
 *   sip_t38_peer --sip PORT --harness PATH --file IN.tif --call NUMBER --proxy PORT [--from NUMBER]
 *
 * Calling instead: sends an INVITE (audio offer) for sip:NUMBER@127.0.0.1:PROXY through the proxy,
 * ACKs the 2xx along the Record-Route set, takes the callee's re-INVITE to T.38 as above and then
 * runs `spandsp_t38 send --calling` with IN.tif; BYE after the fax unless the callee sent one first.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_MSG 65536

static int sip_fd = -1;
static const char *harness, *outfile, *ident = "+49 30 555099";
static char to_tag[32];
static pid_t child = 0;
static int udptl_port = 0;
static int sip_local_port = 0;
static int calling = 0;
static const char *infile;

/* A header's value (first occurrence; full or compact name, case-insensitive), copied into out. */
static int header(const char *msg, const char *name, char compact, char *out, size_t size)
{
    const char *p = strstr(msg, "\r\n");
    size_t n = strlen(name);
    while (p  &&  p[2] != '\r')
    {
        const char *line = p + 2;
        const char *end = strstr(line, "\r\n");
        const char *colon = memchr(line, ':', end ? (size_t) (end - line) : strlen(line));
        if (!end  ||  !colon)
            return 0;
        size_t len = (size_t) (colon - line);
        while (len > 0  &&  (line[len - 1] == ' '  ||  line[len - 1] == '\t'))
            len--;
        if ((len == n  &&  strncasecmp(line, name, n) == 0)  ||  (compact  &&  len == 1  &&  tolower((unsigned char) line[0]) == compact))
        {
            const char *v = colon + 1;
            while (*v == ' '  ||  *v == '\t')
                v++;
            size_t vl = (size_t) (end - v);
            if (vl >= size)
                vl = size - 1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return 1;
        }
        p = end;
    }
    return 0;
}

/* Every line of a header (Via, Record-Route) appended as "Name: value\r\n", in order. */
static void copy_all(const char *msg, const char *name, char compact, char *out, size_t size)
{
    const char *p = strstr(msg, "\r\n");
    size_t n = strlen(name);
    while (p  &&  p[2] != '\r')
    {
        const char *line = p + 2;
        const char *end = strstr(line, "\r\n");
        const char *colon = end ? memchr(line, ':', (size_t) (end - line)) : NULL;
        if (!end  ||  !colon)
            return;
        size_t len = (size_t) (colon - line);
        while (len > 0  &&  line[len - 1] == ' ')
            len--;
        if ((len == n  &&  strncasecmp(line, name, n) == 0)  ||  (compact  &&  len == 1  &&  tolower((unsigned char) line[0]) == compact))
        {
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            size_t used = strlen(out);
            snprintf(out + used, size - used, "%s: %.*s\r\n", name, (int) (end - v), v);
        }
        p = end;
    }
}

static void respond(const char *req, const struct sockaddr_in *to, int code, const char *reason, const char *sdp)
{
    char vias[4096] = "", rr[4096] = "", from[1024] = "", tohdr[1024] = "", callid[512] = "", cseq[128] = "";
    char msg[MAX_MSG];
    copy_all(req, "Via", 'v', vias, sizeof(vias));
    copy_all(req, "Record-Route", 0, rr, sizeof(rr));
    header(req, "From", 'f', from, sizeof(from));
    header(req, "To", 't', tohdr, sizeof(tohdr));
    header(req, "Call-ID", 'i', callid, sizeof(callid));
    header(req, "CSeq", 0, cseq, sizeof(cseq));
    /* RFC 3261 §8.2.6.2: our tag on the To of every response but 100 (the same for the whole dialog). */
    char tag[64] = "";
    if (code > 100  &&  !strstr(tohdr, ";tag="))
        snprintf(tag, sizeof(tag), ";tag=%s", to_tag);
    int n = snprintf(msg, sizeof(msg),
                     "SIP/2.0 %d %s\r\n%s%sFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                     "Contact: <sip:peer@127.0.0.1:%d>\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nServer: spandsp sip_t38_peer\r\n",
                     code, reason, vias, (code > 100  &&  code < 300) ? rr : "", from, tohdr, tag, callid, cseq, sip_local_port);
    if (sdp)
        n += snprintf(msg + n, sizeof(msg) - (size_t) n, "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s", strlen(sdp), sdp);
    else
        n += snprintf(msg + n, sizeof(msg) - (size_t) n, "Content-Length: 0\r\n\r\n");
    sendto(sip_fd, msg, (size_t) n, 0, (const struct sockaddr *) to, sizeof(*to));
}

static int free_udp_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t l = sizeof(a);
    bind(fd, (struct sockaddr *) &a, sizeof(a));
    getsockname(fd, (struct sockaddr *) &a, &l);
    close(fd);
    return ntohs(a.sin_port);
}

/* The offer's connection address and the port of its m=image (or 0 when it has none). */
static int image_offer(const char *body, char *addr, size_t size)
{
    const char *c = strstr(body, "c=IN IP4 ");
    const char *m = strstr(body, "m=image ");
    if (!m)
        return 0;
    const char *mc = strstr(m, "c=IN IP4 ");
    if (mc)
        c = mc;
    if (!c)
        return 0;
    sscanf(c + 9, "%63[0-9.]", addr);
    (void) size;
    return atoi(m + 8);
}

static void start_harness(const char *addr, int port)
{
    char remote[128], local[16];
    snprintf(remote, sizeof(remote), "%s:%d", addr, port);
    snprintf(local, sizeof(local), "%d", udptl_port);
    child = fork();
    if (child == 0)
    {
        if (calling)
            execl(harness, harness, "send", "--local", local, "--remote", remote, "--file", infile, "--calling",
                  "--ident", ident, "--timeout", "120", (char *) NULL);
        else
            execl(harness, harness, "receive", "--local", local, "--remote", remote, "--file", outfile, "--answering",
                  "--ident", ident, "--timeout", "120", (char *) NULL);
        _exit(127);
    }
}

/* The calling side's dialog: what the 2xx to our INVITE set up (RFC 3261 §12.1.2). */
static struct
{
    struct sockaddr_in proxy;
    char request_uri[256];
    char from[256];
    char to[512];
    char call_id[128];
    char remote_target[256];
    char route[1024];
    int cseq;
} dialog;

/*
 * A request of ours in the dialog (or the INVITE), sent to the proxy. Each is a new transaction with
 * its own branch, except the ACK to a failure, which belongs to the INVITE's (RFC 3261 §17.1.1.3).
 */
static void send_request(const char *method, int cseq, const char *uri, const char *extra, const char *sdp, int invite_branch)
{
    char msg[MAX_MSG];
    int n = snprintf(msg, sizeof(msg),
                     "%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%ld%d%s;rport\r\nMax-Forwards: 70\r\n"
                     "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n%s"
                     "Contact: <sip:peer@127.0.0.1:%d>\r\nUser-Agent: spandsp sip_t38_peer\r\n",
                     method, uri, sip_local_port, (long) getpid(), cseq, invite_branch ? "INVITE" : method,
                     dialog.from, dialog.to, dialog.call_id, cseq, method, extra ? extra : "", sip_local_port);
    if (sdp)
        n += snprintf(msg + n, sizeof(msg) - (size_t) n, "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s", strlen(sdp), sdp);
    else
        n += snprintf(msg + n, sizeof(msg) - (size_t) n, "Content-Length: 0\r\n\r\n");
    sendto(sip_fd, msg, (size_t) n, 0, (const struct sockaddr *) &dialog.proxy, sizeof(dialog.proxy));
}

/* A final response to our INVITE: ACK it; on 2xx remember the dialog (To tag, target, route set). */
static int on_invite_response(const char *msg)
{
    char cseq[128] = "";
    header(msg, "CSeq", 0, cseq, sizeof(cseq));
    if (!strstr(cseq, "INVITE")  ||  atoi(cseq) != 1)
        return 0;
    int code = atoi(msg + 8);
    if (code < 200)
        return 0;
    header(msg, "To", 't', dialog.to, sizeof(dialog.to));
    if (code >= 300)
    {
        send_request("ACK", 1, dialog.request_uri, NULL, NULL, 1);
        fprintf(stderr, "sip_t38_peer: INVITE refused: %.*s\n", (int) strcspn(msg, "\r\n"), msg);
        return -1;
    }
    char contact[256] = "";
    header(msg, "Contact", 'm', contact, sizeof(contact));
    const char *lt = strchr(contact, '<');
    snprintf(dialog.remote_target, sizeof(dialog.remote_target), "%.*s",
             lt ? (int) strcspn(lt + 1, ">") : (int) strcspn(contact, ";"), lt ? lt + 1 : contact);
    /* The UAC's route set is the Record-Route list reversed; with the one proxy here it is that entry. */
    char rr[1024] = "";
    copy_all(msg, "Record-Route", 0, rr, sizeof(rr));
    dialog.route[0] = '\0';
    if (rr[0])
        snprintf(dialog.route, sizeof(dialog.route), "Route: %s", rr + strlen("Record-Route: "));
    /* RFC 3261 §13.2.2.4: the ACK to a 2xx is its own transaction, sent along the route set. */
    send_request("ACK", 1, dialog.remote_target, dialog.route, NULL, 0);
    return 1;
}

int main(int argc, char *argv[])
{
    int sip_port = 0, timeout = 120, proxy_port = 0;
    const char *call_number = NULL, *from_number = "4930555099";
    for (int i = 1;  i < argc;  i++)
    {
        if (strcmp(argv[i], "--sip") == 0  &&  i + 1 < argc)
            sip_port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--harness") == 0  &&  i + 1 < argc)
            harness = argv[++i];
        else if (strcmp(argv[i], "--file") == 0  &&  i + 1 < argc)
            outfile = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0  &&  i + 1 < argc)
            timeout = atoi(argv[++i]);
        else if (strcmp(argv[i], "--ident") == 0  &&  i + 1 < argc)
            ident = argv[++i];
        else if (strcmp(argv[i], "--call") == 0  &&  i + 1 < argc)
            call_number = argv[++i];
        else if (strcmp(argv[i], "--proxy") == 0  &&  i + 1 < argc)
            proxy_port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--from") == 0  &&  i + 1 < argc)
            from_number = argv[++i];
    }
    calling = call_number != NULL;
    if (!sip_port  ||  !harness  ||  !outfile  ||  (calling  &&  !proxy_port))
    {
        fprintf(stderr, "usage: sip_t38_peer --sip PORT --harness PATH --file OUT.tif [--timeout SECONDS] [--ident S]\n"
                        "       sip_t38_peer --sip PORT --harness PATH --file IN.tif --call NUMBER --proxy PORT [--from NUMBER]\n");
        return 2;
    }
    infile = outfile;
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(to_tag, sizeof(to_tag), "sp%ld", (long) getpid());
    sip_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons((uint16_t) sip_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(sip_fd, (struct sockaddr *) &me, sizeof(me)) < 0)
    {
        perror("bind");
        return 10;
    }
    sip_local_port = sip_port;
    fprintf(stderr, "sip_t38_peer: listening on 127.0.0.1:%d\n", sip_port);
    udptl_port = free_udp_port();
    char audio_sdp[512], image_sdp[1024];
    snprintf(audio_sdp, sizeof(audio_sdp),
             "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
             free_udp_port());
    snprintf(image_sdp, sizeof(image_sdp),
             "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=image %d udptl t38\r\n"
             "a=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\na=T38FaxRateManagement:transferredTCF\r\n"
             "a=T38FaxMaxBuffer:2000\r\na=T38FaxMaxDatagram:400\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n",
             udptl_port);
    time_t deadline = time(NULL) + timeout;
    int bye = 0, status = 0;
    time_t harness_done = 0;
    char buf[MAX_MSG + 1];
    if (calling)
    {
        dialog.proxy = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons((uint16_t) proxy_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        snprintf(dialog.request_uri, sizeof(dialog.request_uri), "sip:%s@127.0.0.1:%d", call_number, proxy_port);
        snprintf(dialog.from, sizeof(dialog.from), "<sip:%s@127.0.0.1>;tag=%s", from_number, to_tag);
        snprintf(dialog.to, sizeof(dialog.to), "<%s>", dialog.request_uri);
        snprintf(dialog.call_id, sizeof(dialog.call_id), "%ld-%ld@127.0.0.1", (long) getpid(), (long) time(NULL));
        dialog.cseq = 1;
        send_request("INVITE", 1, dialog.request_uri, NULL, audio_sdp, 1);
    }
    while (time(NULL) < deadline)
    {
        if (child > 0)
        {
            pid_t r = waitpid(child, &status, WNOHANG);
            if (r == child)
            {
                child = -1;
                harness_done = time(NULL);
                if (bye)
                    break;
            }
        }
        if (child < 0  &&  bye)
            break;
        if (calling  &&  child < 0  &&  !bye  &&  time(NULL) - harness_done >= 2)
        {
            /* The fax is over and the callee has not hung up: we do (RFC 3261 §15.1.1). */
            send_request("BYE", ++dialog.cseq, dialog.remote_target, dialog.route, NULL, 0);
            bye = 1;
            usleep(300000);
            break;
        }
        struct pollfd pfd = { .fd = sip_fd, .events = POLLIN };
        if (poll(&pfd, 1, 200) <= 0)
            continue;
        struct sockaddr_in from;
        socklen_t fl = sizeof(from);
        ssize_t len = recvfrom(sip_fd, buf, MAX_MSG, 0, (struct sockaddr *) &from, &fl);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        if (strncmp(buf, "SIP/2.0", 7) == 0)
        {
            if (calling  &&  on_invite_response(buf) < 0)
                return 10;
            continue;
        }
        const char *body = strstr(buf, "\r\n\r\n");
        body = body ? body + 4 : "";
        if (strncmp(buf, "INVITE ", 7) == 0)
        {
            char addr[64] = "";
            int port = image_offer(body, addr, sizeof(addr));
            respond(buf, &from, 100, "Trying", NULL);
            if (port > 0)
            {
                respond(buf, &from, 200, "OK", image_sdp);
                if (child == 0)
                    start_harness(addr, port);
            }
            else
            {
                respond(buf, &from, 200, "OK", audio_sdp);
            }
        }
        else if (strncmp(buf, "BYE ", 4) == 0)
        {
            respond(buf, &from, 200, "OK", NULL);
            bye = 1;
            if (child == 0)
                break;
        }
        else if (strncmp(buf, "OPTIONS ", 8) == 0)
        {
            respond(buf, &from, 200, "OK", NULL);
        }
        else if (strncmp(buf, "CANCEL ", 7) == 0)
        {
            respond(buf, &from, 200, "OK", NULL);
        }
        /* ACK: nothing to answer. */
    }
    if (child > 0)
    {
        /* The harness ends on its own after DCN; give it its time, then stop it. */
        for (int i = 0;  i < 100  &&  waitpid(child, &status, WNOHANG) == 0;  i++)
            usleep(100000);
        if (waitpid(child, &status, WNOHANG) == 0)
        {
            kill(child, SIGTERM);
            waitpid(child, &status, 0);
        }
        child = -1;
    }
    if (child == 0)
    {
        fprintf(stderr, "sip_t38_peer: no T.38 was agreed\n");
        return bye ? 10 : 11;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 10;
}
