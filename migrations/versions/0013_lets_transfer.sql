CREATE OR REPLACE FUNCTION public.lets_transfer(p_scheme bigint, p_id uuid, p_payer text, p_payee text, p_amount bigint, p_memo text, p_kind text, p_channel text, p_entered_by bigint, p_corrects uuid, p_pending boolean, p_allow_suspended boolean, p_now timestamp with time zone, p_ceiling bigint, p_scope text, OUT outcome text, OUT party accounts, OUT transfer transfers)
 RETURNS record
 LANGUAGE plpgsql
AS $function$
DECLARE
    scheme_status text;
    payer accounts%ROWTYPE;
    payee accounts%ROWTYPE;
    floor bigint := -p_ceiling;
    statuses text[] := CASE WHEN p_allow_suspended THEN ARRAY['active', 'suspended']
                            ELSE ARRAY['active'] END;
    payer_done boolean := false;
    payee_done boolean := false;
BEGIN
    outcome := 'declined';
    IF p_scope IS NOT NULL THEN  -- a call that is its own transaction says whose rows it sees
        PERFORM set_config('lets.schemes', p_scope, true);
    END IF;
    IF EXISTS (SELECT 1 FROM transfers WHERE id = p_id) THEN
        RETURN;  -- a replay: the Python path answers the original (or names the conflict)
    END IF;
    SELECT status INTO scheme_status FROM schemes WHERE id = p_scheme;
    IF scheme_status IS NULL OR scheme_status NOT IN ('active', 'winding_up') THEN
        RETURN;
    END IF;
    SELECT * INTO payer FROM accounts WHERE scheme_id = p_scheme AND name = p_payer;
    SELECT * INTO payee FROM accounts WHERE scheme_id = p_scheme AND name = p_payee;
    IF payer.id IS NULL OR payee.id IS NULL OR payer.id = payee.id
       OR NOT payer.status = ANY (statuses) OR NOT payee.status = ANY (statuses) THEN
        RETURN;
    END IF;
    IF p_kind <> 'federation' AND 'federation' IN (payer.kind, payee.kind) THEN
        RETURN;  -- a federation clearing account moves only in federation transfers
    END IF;
    IF scheme_status = 'winding_up' AND payer.kind <> 'federation' THEN
        floor := 0;
    END IF;
    -- in account-id order, as the Python path does, so payments never deadlock
    FOR step IN 1..2 LOOP
        IF (step = 1) = (payer.id < payee.id) THEN
            IF p_pending THEN
                UPDATE accounts SET held = held + p_amount
                 WHERE id = payer.id AND status = ANY (statuses)
                   AND balance - held - p_amount >= min_balance
                   AND balance - held - p_amount >= floor;
            ELSE
                UPDATE accounts SET balance = balance - p_amount
                 WHERE id = payer.id AND status = ANY (statuses)
                   AND balance - held - p_amount >= min_balance
                   AND balance - held - p_amount >= floor;
            END IF;
            payer_done := FOUND;
            EXIT WHEN NOT payer_done;
        ELSIF NOT p_pending THEN
            UPDATE accounts SET balance = balance + p_amount
             WHERE id = payee.id AND status = ANY (statuses)
               AND balance + p_amount <= coalesce(max_balance, p_ceiling);
            payee_done := FOUND;
            EXIT WHEN NOT payee_done;
        END IF;
    END LOOP;
    IF payer_done AND (payee_done OR p_pending) THEN
        INSERT INTO transfers (id, scheme_id, payer_id, payee_id, amount, memo, state, kind,
                               channel, entered_by_id, corrects_id, created_at, posted_at)
        VALUES (p_id, p_scheme, payer.id, payee.id, p_amount, p_memo,
                CASE WHEN p_pending THEN 'pending' ELSE 'posted' END, p_kind, p_channel,
                p_entered_by, p_corrects, p_now, CASE WHEN p_pending THEN NULL ELSE p_now END)
        ON CONFLICT (id) DO NOTHING
        RETURNING * INTO transfer;
        IF transfer.seq IS NOT NULL THEN
            outcome := 'created';
            RETURN;
        END IF;
    END IF;
    -- declined: undo what this call moved (the transaction goes on for the caller)
    IF payer_done AND p_pending THEN
        UPDATE accounts SET held = held - p_amount WHERE id = payer.id;
    ELSIF payer_done THEN
        UPDATE accounts SET balance = balance + p_amount WHERE id = payer.id;
    END IF;
    IF payee_done THEN
        UPDATE accounts SET balance = balance - p_amount WHERE id = payee.id;
    END IF;
    IF payer_done AND (payee_done OR p_pending) THEN
        RETURN;  -- the id exists: the Python path answers the replay or the conflict
    END IF;
    -- a limit refused it: name the refusal in the ledger's order (the payer's first)
    SELECT * INTO payer FROM accounts WHERE id = payer.id;
    SELECT * INTO payee FROM accounts WHERE id = payee.id;
    IF NOT payer.status = ANY (statuses) OR NOT payee.status = ANY (statuses) THEN
        RETURN;
    ELSIF payer.balance - payer.held - p_amount < greatest(payer.min_balance, floor) THEN
        party := payer;
        outcome := CASE WHEN floor = 0 THEN 'exceeds_wind_up_limit'
                        ELSE 'exceeds_credit_limit' END;
    ELSIF NOT p_pending AND payee.balance + p_amount > coalesce(payee.max_balance, p_ceiling) THEN
        party := payee;
        outcome := 'exceeds_upper_limit';
    END IF;
END
$function$

